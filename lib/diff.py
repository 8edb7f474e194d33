"""What the editor changed: a character-level diff for Chinese text.

Chinese has no spaces, so words cannot be the unit; every character (and every
punctuation mark) is one. Both sides are normalised first, so a comma that only
changed width is not reported as an edit.
"""

from difflib import SequenceMatcher

from lib.text import normalize_paragraphs


def char_diff(before: str, after: str) -> list[tuple[str, str]]:
    """[("equal"|"delete"|"insert", text), …] turning `before` into `after`."""
    a, b = normalize_paragraphs(before), normalize_paragraphs(after)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", a[i1:i2]))
        if op in ("delete", "replace"):
            parts.append(("delete", a[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(("insert", b[j1:j2]))
    return parts


def has_changes(before: str, after: str) -> bool:
    return any(op != "equal" for op, _ in char_diff(before, after))
