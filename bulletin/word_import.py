"""A Word bulletin as the lines the text importer reads, so both follow the same rules.

What Word adds is turned into what a text file would say:
- the masthead title (the Title style, or the first red paragraph) becomes a `#` line;
- heading styles (Heading 1–4 / 标题 1–4) whose number Word draws from its list
  numbering get the marker the text would carry (一、 （一） 1. （1）);
- issuing body and date on one line, split by a tab stop, become two lines;
- a table of four or more columns is the score table: a header of one or two rows
  (基础分 over 分值) becomes one header line, every row a tab-separated line, and a rank
  cell continuing a vertical merge (a tie) an empty cell;
- any other table (a masthead laid out in cells, the 版记) gives one line per cell.
Every paragraph stays a paragraph: nothing is joined as page-wrapped text lines are.
"""

from __future__ import annotations

import re

from lib.docx_reader import Paragraph, Table, WordDocument
from lib.numbering import chinese_numeral
from lib.text import compact

MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])"
)
DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def word_lines(document: WordDocument) -> list[str]:
    lines: list[str] = []
    counters = [0, 0, 0, 0]
    title_done = False
    for block in document.blocks:
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
            continue
        text = block.text.replace("\n", "").strip()
        if not text:
            continue
        if not title_done and (block.is_title or block.red):
            lines.append(f"# {text}")
            title_done = True
            continue
        parts = [part.strip() for part in text.split("\t") if part.strip()]
        if len(parts) == 2 and DATE.match(compact(parts[1])):
            lines.extend(parts)
            continue
        lines.append(_with_marker(block, " ".join(parts), counters))
    return lines


def _with_marker(block: Paragraph, text: str, counters: list[int]) -> str:
    level = block.heading_level
    if level is None or not 1 <= level <= 4:
        return text
    counters[level - 1] += 1
    for deeper in range(level, 4):
        counters[deeper] = 0
    if MARKER.match(text):
        return text  # typed with its number
    n = counters[level - 1]
    marker = {
        1: f"{chinese_numeral(n)}、",
        2: f"（{chinese_numeral(n)}）",
        3: f"{n}.",
        4: f"（{n}）",
    }[level]
    return marker + text


def _table_lines(table: Table) -> list[str]:
    rows = [[compact(cell) for cell in row] for row in table.rows if any(c.strip() for c in row)]
    if not rows:
        return []
    if max(len(row) for row in rows) < 4:
        return [cell for row in rows for cell in row if cell]
    header: list[str] = []
    start = 0
    # Header rows are those before the first row with a number in its score columns.
    while start < len(rows) and not any(NUMBER.match(cell) for cell in rows[start][2:]):
        row = rows[start]
        header = [
            _join(header[i] if i < len(header) else "", row[i] if i < len(row) else "")
            for i in range(max(len(header), len(row)))
        ]
        start += 1
    lines = ["\t".join(header)] if header else []
    lines.extend("\t".join(row) for row in rows[start:])
    return lines


def _join(above: str, below: str) -> str:
    """A header cell and the one under it (基础分 over 分值): a merged cell's text once."""
    if not above or above == below:
        return below or above
    return above + below if below else above
