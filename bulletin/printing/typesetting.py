"""Inter-character justification of Chinese text in WeasyPrint.

WeasyPrint justifies a line by widening its spaces only; Chinese has no spaces, so a
justified line that holds digits or was broken before a closing mark ends short of the
right edge. The official layout (and Word) spreads the remaining width over the gaps
between characters. This module teaches WeasyPrint that: a text run without spaces but
with CJK characters counts every character as expandable, and when such a run is drawn
justified its letter-spacing grows by the per-character share.

It hooks two functions of the pinned WeasyPrint version (requirements.lock); the PDF
tests read the result back, so a WeasyPrint upgrade that changes them fails loudly.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_installed = False


def _char_justified(text: str) -> bool:
    return " " not in text and "\u00a0" not in text and bool(_CJK.search(text))


class _WiderLetters:
    """A computed style seen with a larger letter-spacing, everything else as it is."""

    def __init__(self, style, extra: float):
        self._style = style
        self._extra = extra

    def __getitem__(self, key):
        value = self._style[key]
        if key == "letter_spacing":
            return (0 if value == "normal" else value) + self._extra
        return value

    def __getattr__(self, name):
        return getattr(self._style, name)


def install() -> None:
    global _installed
    if _installed:
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    count_spaces = inline.count_expandable_spaces
    set_text = line_break.Layout.set_text

    def count_expandable(box):
        if isinstance(box, boxes.TextBox) and _char_justified(box.text):
            return len(box.text)
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count_expandable(child) for child in box.children)
        return count_spaces(box)

    def justified_set_text(self, text, justify=False):
        if justify and self.justification_spacing and _char_justified(text):
            style = self.style
            self.style = _WiderLetters(style, self.justification_spacing)
            try:
                return set_text(self, text, justify)
            finally:
                self.style = style
        return set_text(self, text, justify)

    inline.count_expandable_spaces = count_expandable
    line_break.Layout.set_text = justified_set_text
    _installed = True
