"""The score table across page breaks.

DESIGN.md section 4 prints a tie's rank once, on its first row. print.css keeps a tie's
rows together (one <tbody> a rank, `break-inside: avoid`, which WeasyPrint honours for
row groups), so a tie that fits on a page never starts on one page and ends on the
next. A tie longer than a page has to go on over the break, and the page it goes on to
would open on rows without a rank: those rows are found in the laid-out pages and
marked, and the document is laid out again with the mark printing the rank.

WeasyPrint has no public API for the boxes of a laid-out page; `Page._page_box` is the
one private name read here, and tests/test_print_ties.py fails if it stops answering.
"""

from __future__ import annotations

import logging
from itertools import groupby

logger = logging.getLogger(__name__)

# One pass marks every continuation; a second only if a mark moved a break (it cannot:
# the rank fits the empty cell), a third never happens.
MAX_PASSES = 3

TIE_ROW = 'class="tie" data-row="{key}"'
CONTINUED_ROW = 'class="tie continued" data-row="{key}"'


def rank_groups(rows: list) -> list[list]:
    """Consecutive rows of one rank (a tie, or a single row), in the table's order."""
    return [list(group) for _, group in groupby(rows, key=lambda row: (row.month, row.rank))]


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def continued_tie_rows(document) -> list[str]:
    """The `data-row` keys of the tie rows that open a page of a score table and do not
    print their rank yet."""
    from weasyprint.formatting_structure import boxes

    keys = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.TableBox) or "score-table" not in _classes(box):
                continue
            body = [
                group
                for group in box.children
                if not group.is_header and not group.is_footer and group.children
            ]
            if not body:
                continue
            first = body[0].children[0]
            classes = _classes(first)
            if "tie" in classes and "continued" not in classes:
                keys.append(first.element.get("data-row"))
    return keys


def mark_continued(html: str, keys: list[str]) -> str:
    """The document with the rows of `keys` printing their rank."""
    for key in keys:
        row, marked = TIE_ROW.format(key=key), CONTINUED_ROW.format(key=key)
        if html.count(row) != 1:
            # The template no longer writes the row as this module expects: the rank is
            # left out rather than printed on the wrong row.
            logger.warning("score table row %s not found once in the document", key)
            continue
        html = html.replace(row, marked)
    return html
