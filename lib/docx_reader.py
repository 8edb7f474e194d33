"""Read the text of a Word (.docx) file as offices write them: paragraphs with their
style, bold start and colour, and tables as rows of cells.

A .docx is a zip of XML parts; python-docx reads the parts, this module walks the body
in document order. It refuses what it cannot read with a message for the person who
uploaded the file (an old .doc or an encrypted file, a damaged zip, a file that unpacks
to far more than it weighs) and counts what has no text (pictures, shapes) so the caller
can say what was left out.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lib.limits import MAX_IMPORT_BYTES

# An encrypted .docx, like an old .doc, is an OLE compound file, not a zip.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A .docx of 1 MB unpacks to a few MB; far more is a zip bomb, not a document.
MAX_UNPACKED_BYTES = 40 * MAX_IMPORT_BYTES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
TITLE_STYLES = {"title", "标题"}


class WordFileError(ValueError):
    """The file cannot be read; the message says why, for the person who sent it."""


@dataclass
class Paragraph:
    text: str
    style: str = ""
    bold_start: str = ""  # the text of the bold runs the paragraph starts with
    red: bool = False
    size: float = 0.0  # the largest font size of its runs, in points (0: not set)

    @property
    def heading_level(self) -> int | None:
        m = HEADING_STYLE.match(self.style.strip())
        return int(m.group(1)) if m else None

    @property
    def is_title(self) -> bool:
        return self.style.strip().lower() in TITLE_STYLES


@dataclass
class Table:
    # Each row's cells, left to right; a cell continuing a vertical merge is "".
    rows: list[list[str]]


@dataclass
class WordDocument:
    blocks: list[Paragraph | Table] = field(default_factory=list)
    pictures: int = 0

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph) and b.text.strip()]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def left_out(self, *, tables: bool) -> str:
        """What a text-only reader leaves out, as a sentence, or ""."""
        parts = []
        if tables and self.tables:
            n = len(self.tables)
            parts.append(ngettext("%(n)d table", "%(n)d tables", n) % {"n": n})
        if self.pictures:
            n = self.pictures
            parts.append(ngettext("%(n)d picture", "%(n)d pictures", n) % {"n": n})
        return "、".join(parts)


def read_docx(data: bytes) -> WordDocument:
    """The body of a .docx in document order; WordFileError when it cannot be read."""
    if len(data) > MAX_IMPORT_BYTES:
        raise WordFileError(
            _("The file has %(size)s; at most %(max)s can be read.")
            % {"size": _megabytes(len(data)), "max": _megabytes(MAX_IMPORT_BYTES)}
        )
    if data.startswith(OLE_MAGIC):
        raise WordFileError(
            _(
                "The file is encrypted or in the old .doc format: save it in Word or WPS as a "
                ".docx without a password and upload it again."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise WordFileError(_("The file unpacks to far more than a document: not read."))
    except zipfile.BadZipFile:
        raise WordFileError(
            _("The file is not a Word document (.docx) or it is damaged.")
        ) from None
    import docx  # the import takes a moment; only uploads and imports need it

    try:
        document = docx.Document(io.BytesIO(data))
        return _walk(document)
    except WordFileError:
        raise
    except Exception:  # python-docx and lxml raise many kinds on a damaged part
        raise WordFileError(
            _("The file is not a Word document (.docx) or it is damaged.")
        ) from None


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _walk(document) -> WordDocument:
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    result = WordDocument()
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            paragraph = DocxParagraph(child, document)
            result.pictures += _pictures(child)
            result.blocks.append(_paragraph(paragraph))
        elif child.tag == f"{W}tbl":
            result.pictures += _pictures(child)
            result.blocks.append(_table(DocxTable(child, document)))
    return result


def _pictures(element) -> int:
    return len(element.findall(f".//{W}drawing")) + len(element.findall(f".//{W}pict"))


def _text(element) -> str:
    """The visible text of a paragraph: runs, tabs and line breaks, not the text of text
    boxes or deleted revisions."""
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if any(a.tag == f"{W}txbxContent" for a in node.iterancestors()):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _paragraph(paragraph) -> Paragraph:
    style = paragraph.style
    style_name = style.name if style is not None else ""
    style_bold = bool(style is not None and style.font.bold)
    bold_start, red, size, leading = "", _is_red(style), 0.0, True
    for run in paragraph.runs:
        text = _text(run._r)
        bold = run.bold if run.bold is not None else style_bold
        if leading and text.strip():
            if bold:
                bold_start += text
            else:
                leading = False
        elif leading:
            bold_start += text
        red = red or _is_red(run)
        if run.font.size is not None:
            size = max(size, run.font.size.pt)
    if style is not None and style.font.size is not None:
        size = max(size, style.font.size.pt)
    text = _text(paragraph._p)
    return Paragraph(text=text, style=style_name, bold_start=bold_start.strip(), red=red, size=size)


def _is_red(styled) -> bool:
    if styled is None:
        return False
    try:
        rgb = styled.font.color.rgb
    except (AttributeError, ValueError):
        return False
    if rgb is None:
        return False
    r, g, b = rgb[0], rgb[1], rgb[2]
    return r >= 0xC0 and g <= 0x60 and b <= 0x60


def _table(table) -> Table:
    rows = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            text = "" if tc.vMerge == "continue" else _cell_text(tc)
            cells.extend([text] * tc.grid_span)
        rows.append(cells)
    return Table(rows)


def _cell_text(tc) -> str:
    texts = (_text(p).strip() for p in tc.iter(f"{W}p"))
    return "\n".join(text for text in texts if text)
