"""The source lines as the reader sees them, and the shapes of their text: numbering
markers, sentences, headings, titles, page numbers.

Everything here looks at one line (or one paragraph) at a time; what a line is in its
context is decided in masthead.py and body.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib.numbering import chinese_numeral, parse_chinese_numeral
from lib.text import compact, normalize_chinese, widen_digits

CN = "一二三四五六七八九十"
HANZI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

MD_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,}|[—─━]{3,})$")
# What a page break copied into the text leaves: — 2 —, -2-, 第2页, 第2页 共3页, 共3页, 2/3.
PAGE_NUMBER = re.compile(
    r"^(?:[-—–─]+\s*\d{1,3}\s*[-—–─]+"
    r"|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|共\s*\d{1,3}\s*页"
    r"|\d{1,3}\s*/\s*\d{1,3})$"
)

# Markers by level: 一、 （一） 1. （1）. Any bracket width; 一. 一． as typed for 一、.
LEVEL1 = re.compile(rf"^([{CN}]{{1,3}})\s*([、.．])\s*(.*)$")
LEVEL2 = re.compile(rf"^[（(]\s*([{CN}]{{1,3}})\s*[）)]\s*(.*)$")
LEVEL3 = re.compile(r"^(\d{1,2})[.．、]\s*(.*)$")
LEVEL4 = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*(.*)$")

SENTENCE_END = "。！？!?"
# A paragraph that ends in one of these is complete; anything else was cut by a page break
# (or is a title, which is short).
TERMINAL = set("。！？!?；;…：:")
CLOSERS = set("”’」』）)】》")
# A title is at most this long; a longer paragraph without final punctuation was cut.
TITLE_MAX = 40
# A line ending so is cut mid-sentence, however short it is.
MID_SENTENCE = set("，、,（(《“‘的")

# "." (or "．") closing a Chinese sentence: after a hanzi (or a closing quote or bracket, or a
# number at the end of a sentence), before the end of the line or more Chinese text.
# Decimal points (2.5) and Latin runs (www.gov.cn) keep theirs.
_CHINESE_PERIOD = re.compile(
    rf"(?<=[{HANZI}”’）》」』】%\d])[.．](?=\s*$|\s*[{HANZI}“‘（《「『【])"
)
_LEADING_NUMBER = re.compile(r"^\d{1,3}[.．]")
_HAS_HANZI = re.compile(rf"[{HANZI}]")
_DATE_ONLY = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


@dataclass
class SourceLine:
    no: int
    raw: str  # digits widened, trailing space removed; tabs kept for tables
    text: str  # without Markdown decoration and indentation
    heading: bool  # was a Markdown heading
    dropped: str = ""  # blank, rule or page_number: not part of the bulletin
    written: str = ""  # the line as it is in the file


def source_lines(text: str) -> list[SourceLine]:
    lines = []
    for no, written in enumerate(text.splitlines(), start=1):
        raw = widen_digits(written).rstrip()
        stripped = raw.strip()
        heading = False
        m = MD_HEADING.match(stripped)
        if m:
            heading, stripped = True, m.group(2).strip()
        stripped = re.sub(r"^>\s*", "", stripped)
        stripped = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda g: g.group(1) or g.group(2), stripped)
        line = SourceLine(no, raw, stripped, heading, written=written.rstrip())
        squeezed = compact(stripped)
        if not squeezed:
            line.dropped = "blank"
        elif RULE.match(squeezed):
            line.dropped = "rule"
        elif PAGE_NUMBER.match(squeezed):
            line.dropped = "page_number"
        lines.append(line)
    return lines


def prose(text: str) -> str:
    """A paragraph in the form the bulletin prints it (lib.text.normalize_chinese), and a
    half-width "." that ends a Chinese sentence made "。"."""
    text = normalize_chinese(text)
    if _HAS_HANZI.search(text):
        # A leading "2." is a number typed without its item, not the end of a sentence.
        lead = _LEADING_NUMBER.match(text)
        start = lead.end() if lead else 0
        text = normalize_chinese(text[:start] + _CHINESE_PERIOD.sub("。", text[start:]))
    return text


@dataclass(frozen=True)
class Marker:
    level: int  # 1: 一、 2: （一） 3: 1. 4: （1）
    number: int
    rest: str  # the text after the marker, as prose

    @property
    def text(self) -> str:
        """The marker as the bulletin prints it."""
        n = self.number
        return {
            1: f"{chinese_numeral(n)}、",
            2: f"（{chinese_numeral(n)}）",
            3: f"{n}.",
            4: f"（{n}）",
        }[self.level]

    @property
    def is_heading(self) -> bool:
        """No sentence in it: a heading that stands on its own line."""
        return not any(ch in self.rest for ch in SENTENCE_END)

    @property
    def is_short_heading(self) -> bool:
        return self.is_heading and len(compact(self.rest)) <= TITLE_MAX


def marker(text: str) -> Marker | None:
    """The numbering marker a line starts with, or None."""
    m = LEVEL1.match(text)
    if m and not (m.group(2) in ".．" and m.group(3)[:1].isdigit()):  # 一.5倍 is no heading
        return _chinese(1, m.group(1), m.group(3))
    m = LEVEL2.match(text)
    if m:
        return _chinese(2, m.group(1), m.group(2))
    m = LEVEL4.match(text)
    if m:
        return Marker(4, int(m.group(1)), prose(m.group(2)))
    m = LEVEL3.match(text)
    if m and m.group(2) and not re.match(r"^\d*\s*[%％]", m.group(2)):
        return Marker(3, int(m.group(1)), prose(m.group(2)))
    return None


def _chinese(level: int, numeral: str, rest: str) -> Marker | None:
    try:
        return Marker(level, parse_chinese_numeral(numeral), prose(rest))
    except ValueError:
        return None


def is_complete(paragraph: str) -> bool:
    end = paragraph.rstrip()
    while end and end[-1] in CLOSERS:
        end = end[:-1]
        if end and end[-1] in TERMINAL:
            return True
        if not end or end[-1] not in CLOSERS:
            return False
    return bool(end) and end[-1] in TERMINAL


def is_cut(paragraph: str) -> bool:
    """A paragraph a page break cut: it does not end a sentence, and it is too long for a
    title or ends mid-sentence."""
    if is_complete(paragraph):
        return False
    last = paragraph.rstrip()[-1:]
    return len(compact(paragraph)) > TITLE_MAX or last in MID_SENTENCE


def is_title(text: str) -> bool:
    """A short line without a sentence in it: an article title or subtitle.

    A line in brackets (（来源：四川日报）) and a lone date are not titles.
    """
    squeezed = compact(text)
    if not squeezed or len(squeezed) > TITLE_MAX or is_cut(text) or is_complete(text):
        return False
    if any(ch in squeezed for ch in "。！？；"):
        return False
    if squeezed[0] in "（(【[" and squeezed[-1] in "）)】]":
        return False
    return not _DATE_ONLY.match(squeezed)


def split_sentence(text: str) -> tuple[str, str]:
    """("按时到岗情况。", "总体情况良好。") from "按时到岗情况。 总体情况良好。"."""
    for i, ch in enumerate(text):
        if ch in SENTENCE_END:
            j = i + 1
            while j < len(text) and text[j] in CLOSERS:
                j += 1
            return text[:j], text[j:].strip()
    return text, ""
