"""Normalising Chinese text as it arrives from Word, WPS, PDF copies and plain-text files.

Chinese has no spaces between words, so spaces next to CJK characters are artefacts of
copying (Word's automatic CJK/Latin spacing, PDF extraction) and go. Half-width
punctuation inside Chinese text becomes full-width; digits and Latin letters become
half-width, as the official style prints them. Latin runs (URLs, e-mail addresses,
version numbers, certificate numbers) keep their ASCII punctuation: "https:" is not "https：".
Bidirectional controls go: a pasted U+202E would print 评审通过 as 过通审评.
"""

import re

_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    0xFF05: ord("%"),
    0x3000: ord(" "),
    0x00A0: ord(" "),
    0x2002: ord(" "),
    0x2003: ord(" "),
    0x2009: ord(" "),
    0x200B: None,
    0xFEFF: None,
    0x2212: ord("-"),
    0xFF0D: ord("-"),
}

# CJK ideographs, CJK and full-width punctuation, and the quotes and dashes Chinese uses.
_CJK = r"\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff0f\uff1a-\uff20\uff5b-\uff65"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
# C0 controls, and the bidirectional embeddings, overrides, isolates and marks: Chinese
# text never needs them, and in a PDF they reorder the characters they cover.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# A run of printable ASCII: with a Latin letter in it, a URL, an address, a word, a code.
_ASCII_RUN = re.compile(r"[!-~]+")
_LETTER = re.compile(r"[A-Za-z]")
_ALNUM = re.compile(r"[0-9A-Za-z]")

# A whole number as a browser posts it: ASCII digits, few enough for a 64-bit column.
_ASCII_NUMBER = re.compile(r"[0-9]{1,18}")

_PUNCT = {",": "，", ";": "；", "?": "？", "!": "！", ":": "："}
_WIDENED = {*_PUNCT, "(", ")", '"'}


def widen_digits(text: str) -> str:
    """Full-width digits, letters and spaces to their ordinary forms."""
    # A full-width point between digits is a decimal point: 13．5 -> 13.5
    return re.sub(r"(?<=\d)．(?=\d)", ".", text.translate(_FULLWIDTH_ALNUM))


def _latin_interior(text: str) -> set[int]:
    """Positions strictly between the first and the last letter or digit of each Latin
    run: their punctuation belongs to the run (https://a.cn/?q=1,2). Punctuation before or
    after it is the sentence's (见PDF, 是否支持PDF?)."""
    inside = set()
    for run in _ASCII_RUN.finditer(text):
        if _LETTER.search(run.group()):
            alnum = [m.start() for m in _ALNUM.finditer(run.group())]
            inside.update(range(run.start() + alnum[0] + 1, run.start() + alnum[-1]))
    return inside


def _fullwidth_punctuation(text: str) -> str:
    out = []
    double_open = True
    keep = _latin_interior(text)
    for i, ch in enumerate(text):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch in _WIDENED and i in keep:
            out.append(ch)
        elif ch in _PUNCT:
            # 1,000 and 10:30 keep their half-width separators.
            if before.isdigit() and after.isdigit() and ch in ",:":
                out.append(ch)
            else:
                out.append(_PUNCT[ch])
        elif ch == "(":
            out.append("（")
        elif ch == ")":
            out.append("）")
        elif ch == '"':
            # Straight quotes typed on a Latin keyboard pair up as “ ”.
            out.append("“" if double_open else "”")
            double_open = not double_open
        else:
            out.append(ch)
    return "".join(out)


def normalize_chinese(text: str) -> str:
    """One line of Chinese prose in the form the bulletin prints it."""
    text = _CONTROL.sub("", widen_digits(text))
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()
    if _HAS_CJK.search(text):
        text = _fullwidth_punctuation(text)
        text = _SPACE_NEXT_TO_CJK.sub("", text)
    return text


def normalize_paragraphs(text: str) -> str:
    """Multi-line text: each non-empty line normalised, blank lines dropped."""
    lines = (normalize_chinese(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def compact(text: str) -> str:
    """A key for comparing names and titles: no spaces, full-width punctuation."""
    return re.sub(r"\s+", "", normalize_chinese(text))


def parse_number(value: str | None) -> int | None:
    """A non-negative whole number posted as text, or None when it is not one.

    str.isdigit() also accepts "²" and other digits that int() refuses, and a string of
    thousands of digits is past int()'s limit: either would be a server error.
    """
    return int(value) if value and _ASCII_NUMBER.fullmatch(value) else None
