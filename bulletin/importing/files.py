"""A bulletin file's bytes as the text the reader reads: plain text or Markdown in UTF-8
or GB18030, or a Word .docx (bulletin/word_import.py turns it into the same lines).

The limits come first, so a file that could not be printed within the render budget is
refused before it is read (lib/limits.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from bulletin.importing.model import BulletinFormatError
from bulletin.word_import import word_lines
from lib.docx_reader import OLE_MAGIC, WordFileError, read_docx
from lib.limits import MAX_IMPORT_BYTES, MAX_IMPORT_LINES, MAX_ISSUE_CHARS

SUFFIXES = (".txt", ".md", ".docx")


@dataclass
class Source:
    name: str
    text: str
    whole_paragraphs: bool  # read from Word: each line is a whole paragraph


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_size(size: int) -> None:
    """Refuse a file by its size before reading it: 50 MB would take half a minute and
    500 MB of memory, and could not be printed anyway."""
    if size > MAX_IMPORT_BYTES:
        raise BulletinFormatError(
            None,
            _("The file has %(size)s; at most %(max)s can be read.")
            % {"size": _megabytes(size), "max": _megabytes(MAX_IMPORT_BYTES)},
        )


def read_source(data: bytes, name: str) -> Source:
    check_size(len(data))
    word = name.lower().endswith(".docx") or data.startswith((b"PK\x03\x04", OLE_MAGIC))
    if word:
        try:
            text = "\n".join(word_lines(read_docx(data)))
        except WordFileError as exc:
            raise BulletinFormatError(None, str(exc)) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise BulletinFormatError(
                    None, _("the file is neither UTF-8 nor GB18030 text nor a Word .docx")
                ) from None
    lines = len(text.splitlines())
    if lines > MAX_IMPORT_LINES:
        raise BulletinFormatError(
            None,
            _("the file has %(lines)d lines; a bulletin has at most %(max)d")
            % {"lines": lines, "max": MAX_IMPORT_LINES},
        )
    if len(text) > MAX_ISSUE_CHARS:
        raise BulletinFormatError(
            None,
            _("%(length)d characters of text; an issue has at most %(max)d")
            % {"length": len(text), "max": MAX_ISSUE_CHARS},
        )
    return Source(name, text, word)
