"""Text in, the parsed bulletin and the account of every line out."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from bulletin.importing.body import BodyReader
from bulletin.importing.masthead import MastheadReader
from bulletin.importing.model import (
    BulletinFormatError,
    LineAccount,
    Override,
    ParsedBulletin,
    Role,
)
from bulletin.importing.source import SourceLine, source_lines
from bulletin.importing.storable import check_storable
from lib.limits import MAX_BODY


@dataclass
class Reading:
    """What the reader made of a text: the bulletin, or the error that stopped it, and
    what each line became (up to the error; the lines after it are UNREAD)."""

    lines: list[LineAccount]
    bulletin: ParsedBulletin | None
    error: BulletinFormatError | None = None
    # What was read up to the error (the bulletin itself when there is none).
    partial: ParsedBulletin | None = None


class _Accounts:
    def __init__(self, lines: list[SourceLine], overrides: dict[int, Override]):
        self.source = {line.no: line for line in lines}
        self.overrides = overrides
        self.by_line: dict[int, LineAccount] = {}

    def __call__(self, line: SourceLine, role: Role, **detail) -> None:
        source = self.source[line.no]
        overridden = detail.pop("overridden", False) or (
            role == Role.DROPPED and detail.get("reason") == "editor"
        )
        self.by_line[line.no] = LineAccount(
            no=line.no, text=source.written, role=role, overridden=overridden, **detail
        )

    def all(self) -> list[LineAccount]:
        return [
            self.by_line.get(no) or LineAccount(no=no, text=line.written, role=Role.UNREAD)
            for no, line in self.source.items()
        ]


def read_bulletin(
    text: str,
    *,
    whole_paragraphs: bool = False,
    overrides: dict[int, Override] | None = None,
) -> Reading:
    """Read a bulletin; `whole_paragraphs`: each line is a paragraph (from Word), none is
    joined to the one before; `overrides`: the roles the editor chose, by line number."""
    overrides = dict(overrides or {})
    lines = source_lines(text)
    for line in lines:
        if overrides.get(line.no) == Override.DROP:
            line.dropped = "editor"
            del overrides[line.no]
    accounts = _Accounts(lines, overrides)
    doc = ParsedBulletin()
    try:
        _check_paragraph_lengths(lines)
        if all(line.dropped for line in lines):
            raise BulletinFormatError(None, _("the file is empty"))
        start = MastheadReader(lines, doc, accounts, stops=set(overrides)).read()
        BodyReader(
            lines, doc, accounts, whole_paragraphs=whole_paragraphs, overrides=overrides
        ).read(start)
        if not doc.sections and not doc.attachments:
            last = [line.no for line in lines if not line.dropped][-1]
            raise BulletinFormatError(last, _("the bulletin has no sections"))
        result = accounts.all()
        check_storable(doc, result)
    except BulletinFormatError as error:
        return Reading(accounts.all(), None, error, doc)
    return Reading(result, doc, None, doc)


def parse_bulletin(
    text: str,
    *,
    whole_paragraphs: bool = False,
    overrides: dict[int, Override] | None = None,
) -> ParsedBulletin:
    """The parsed bulletin; BulletinFormatError, with its line, on what cannot be placed."""
    reading = read_bulletin(text, whole_paragraphs=whole_paragraphs, overrides=overrides)
    if reading.error is not None:
        raise reading.error
    return reading.bulletin


def _check_paragraph_lengths(lines: list[SourceLine]) -> None:
    for line in lines:
        if len(line.text) > MAX_BODY:
            raise BulletinFormatError(
                line.no,
                _(
                    "a paragraph of %(length)d characters; at most %(max)d can be printed "
                    "within the render budget: split it"
                )
                % {"length": len(line.text), "max": MAX_BODY},
            )
