"""Reading a bulletin written as plain text, Markdown or Word in the style of the genre.

The reader is pure: text in, a `Reading` out (`ParsedBulletin` and, for every source line,
what it became; or the `BulletinFormatError` with the line it stopped at). The editor's
corrections from the import preview are input to it (`overrides`: a role per line).
bulletin/importer.py writes a parsed bulletin in one transaction.

- source.py: the lines and the shapes of their text (markers, titles, page numbers);
- masthead.py: the 报头, in any order its lines come;
- body.py: headings, items, articles and paragraphs from their context; the 版记;
- tables.py: attachment pages and the score table;
- storable.py: what the database can hold, refused with the line before anything is written;
- files.py: a file's bytes as text, within the limits of lib/limits.py.
"""

from bulletin.importing.files import SUFFIXES, Source, check_size, read_source
from bulletin.importing.model import (
    BulletinFormatError,
    LineAccount,
    Override,
    ParsedAttachment,
    ParsedBulletin,
    ParsedItem,
    ParsedScoreRow,
    ParsedSection,
    Role,
)
from bulletin.importing.reader import Reading, parse_bulletin, read_bulletin
from bulletin.importing.storable import inspection_findings, split_headline

__all__ = [
    "SUFFIXES",
    "BulletinFormatError",
    "LineAccount",
    "Override",
    "ParsedAttachment",
    "ParsedBulletin",
    "ParsedItem",
    "ParsedScoreRow",
    "ParsedSection",
    "Reading",
    "Role",
    "Source",
    "check_size",
    "inspection_findings",
    "parse_bulletin",
    "read_bulletin",
    "read_source",
    "split_headline",
]
