"""What the editor changed: a character-level diff for Chinese text.

Chinese has no spaces, so words cannot be the unit; every character (and every
punctuation mark) is one. A number is the exception: 1234 changed to 1243 reads as one
figure replaced by another, not as a 3 and a 4 moved about, so a run of digits with its
separators (1,234 / 60.37) and a unit written on it (%, 万, 亿) is one token. Both sides
are normalised first, so a comma that only changed width is not reported as an edit.
"""

import re
from difflib import SequenceMatcher

from lib.text import normalize_paragraphs

# Digits, with thousands separators and a decimal point inside only ("2023年。" keeps its
# full stop), then one unit at most: 14748, 1,004, 60.37%, 1.2万, 3亿, 2万亿.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:%|‰|万亿|[万亿])?")
_TOKEN = re.compile(rf"{_NUMBER.pattern}|.", re.S)


def tokens(text: str) -> list[str]:
    """The diff's units: each number as one, every other character on its own."""
    return _TOKEN.findall(text)


def char_diff(before: str, after: str) -> list[tuple[str, str]]:
    """[("equal"|"delete"|"insert", text), …] turning `before` into `after`."""
    a = tokens(normalize_paragraphs(before))
    b = tokens(normalize_paragraphs(after))
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", "".join(a[i1:i2])))
        if op in ("delete", "replace"):
            parts.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("insert", "".join(b[j1:j2])))
    return parts


def has_changes(before: str, after: str) -> bool:
    return any(op != "equal" for op, _ in char_diff(before, after))
