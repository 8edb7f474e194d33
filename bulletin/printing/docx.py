"""The issue as an editable Word file in the official layout (DESIGN.md section 7).

The content comes from bulletin_context(), the numbering from number_sections() and the
run-in headings from split_run_in(): the Word file says what the PDF says. The layout is
GB/T 9704's in Word's own terms, the settings an office sets by hand: A4 with mirrored
37/35/28/26 mm margins, a 22 x 28 document grid, 正文 三号 仿宋_GB2312, 标题 1-4 by level,
"— N —" page numbers as PAGE fields in odd and even footers, the red masthead, the
score table as a Word table and the 报尾 as a table floating at the bottom margin.

python-docx writes the parts; what it has no API for (the grid, borders, floating
tables, fields, merged cells) is written as WordprocessingML here, in the schema's
element order, which Word insists on.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import io
import math
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.styles.style import StyleFactory

from bulletin.adoption.figures import COUNTS
from bulletin.models import Issue, Section
from bulletin.printing import rendering
from bulletin.templatetags.bulletin_tags import _ems, masthead_meta_is_long, split_run_in
from scoring.models import format_score

# --- the numbers, in twips (1/20 pt) ---------------------------------------------------

TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4
TOP, BOTTOM, INNER, OUTER = mm(37), mm(35), mm(28), mm(26)
TEXT_WIDTH = PAGE_WIDTH - INNER - OUTER  # 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - TOP - BOTTOM  # 225 mm
# 22 lines a page: 225 mm / 22 = 28.99 pt; Word keeps whole twips and 579 (28.95 pt) is
# what it writes for 每页 22 行.
LINE = 579
# 28 characters a line. Word adds charSpace/4096 pt to every character of a
# linesAndChars grid (16 pt - 842/4096 pt = 15.794 pt would give 28), but LibreOffice
# (7.4, Debian's) spreads each character over two cells when charSpace is negative. So
# the grid adds nothing and 正文 is condensed by 0.25 pt instead (print.css does the
# same with -0.21 pt): 28 x 15.75 pt fits the 442.25 pt line in Word, WPS and
# LibreOffice alike, justified to the edge.
CHARS_PER_LINE = 28
CHAR_SPACE = 0
CONDENSED = -5  # twentieths of a point
CHAR = TEXT_WIDTH / CHARS_PER_LINE  # one character of the line, 15.79 pt
# The page number "about 7 mm below the type area": a 16 pt line whose bottom is 22 mm
# above the bottom edge of the page puts the top of "— N —" 7 mm under the type area.
FOOTER_DISTANCE = mm(22)
PAGE_NUMBER_LINE = 320  # 16 pt, exact
HEADER_DISTANCE = mm(22)  # 草稿 / 送审稿 on a draft, 15 mm above the type area
# What the 报尾 keeps free above and below its estimate: Word and LibreOffice may break a
# line a character earlier than counted (a closing mark is never put at a line's start).
LINE_SLACK = LINE // 4

SIZE = {"二号": 44, "三号": 32, "四号": 28}  # half-points
TITLE_SIZE = 84  # 42 pt, about 初号
RED = "FF0000"
LATIN = "Times New Roman"


def _face(key: str) -> str:
    """The official face of a role: the name Word and WPS look up (fonts.ROLES)."""
    from bulletin.printing.fonts import ROLES_BY_KEY

    return ROLES_BY_KEY[key].official[0]


# Where an office PC lacks an official face, Word takes the font table's altName.
ALT_NAMES = {"fangsong": "仿宋", "kaiti": "楷体", "heiti": "SimHei", "xiaobiaosong": "宋体"}
HEADING_FACES = {1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}

# --- WordprocessingML with its element order --------------------------------------------

PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]
TCPR_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]
SECTPR_ORDER = [
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
]
ORDERS = {
    "pPr": PPR_ORDER,
    "rPr": RPR_ORDER,
    "tblPr": TBLPR_ORDER,
    "tcPr": TCPR_ORDER,
    "sectPr": SECTPR_ORDER,
}


def el(tag: str, *children, **attrs) -> OxmlElement:
    """<w:tag w:key="value"...> with children; attribute names without their prefix."""
    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    for child in children:
        element.append(child)
    return element


def put(parent, *children) -> None:
    """Set each child on a properties element in the schema's order, replacing one of
    the same tag (repeatable elements such as headerReference are only appended)."""
    local = parent.tag.split("}")[1]
    order = ORDERS[local]
    for child in children:
        name = child.tag.split("}")[1]
        if name not in ("headerReference", "footerReference"):
            for old in parent.findall(child.tag):
                parent.remove(old)
        rank = order.index(name)
        after = None
        for existing in parent:
            existing_name = existing.tag.split("}")[1]
            if existing_name in order and order.index(existing_name) > rank:
                after = existing
                break
        if after is None:
            parent.append(child)
        else:
            after.addprevious(child)


def fonts(east_asia: str, latin: str = LATIN, hint: str | None = None) -> OxmlElement:
    attrs = {"ascii": latin, "hAnsi": latin, "cs": latin, "eastAsia": east_asia}
    if hint:
        attrs["hint"] = hint
    return el("rFonts", **attrs)


def size(half_points: int) -> list:
    return [el("sz", val=half_points), el("szCs", val=half_points)]


def spacing(line: int, *, rule: str = "exact", before: int = 0, after: int = 0):
    return el("spacing", before=before, after=after, line=line, lineRule=rule)


def border(side: str, *, sz: int, color: str = "000000", space: int = 0) -> OxmlElement:
    """A single rule; sz in eighths of a point."""
    return el(side, val="single", sz=sz, space=space, color=color)


def no_border(side: str) -> OxmlElement:
    return el(side, val="nil")


# XML 1.0 has no place for C0 controls other than tab, newline and carriage return; a
# stray one (pasted, imported) would make the file unreadable, so it is left out.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text).replace("\r", "").replace("\n", " ")


def run(text: str) -> OxmlElement:
    """<w:r><w:t> of plain text (no tabs or breaks in it)."""
    t = el("t")
    t.text = clean(text)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return el("r", t)


# --- the document: page, grid, styles --------------------------------------------------


def _rpr(*children) -> OxmlElement:
    rpr = el("rPr")
    put(rpr, *children)
    return rpr


def _ppr(*children) -> OxmlElement:
    ppr = el("pPr")
    put(ppr, *children)
    return ppr


def _style(
    doc,
    name: str,
    style_id: str,
    kind=WD_STYLE_TYPE.PARAGRAPH,
    *,
    ppr=(),
    rpr=(),
    based_on: str | None = "Normal",
    link: str | None = None,
    next_id=None,
    outline: int | None = None,
):
    """A style defined here, whatever the template had under that name."""
    # The caller's elements may serve several styles: each gets copies.
    ppr, rpr = [copy.deepcopy(e) for e in ppr], [copy.deepcopy(e) for e in rpr]
    styles = doc.styles.element
    element = styles.get_by_id(style_id)
    if element is None:
        element = styles.add_style_of_type(name, kind, False)
        element.styleId = style_id
    style = StyleFactory(element)
    element = style.element
    for child in list(element):
        if child.tag.split("}")[1] not in ("name", "uiPriority", "qFormat"):
            element.remove(child)
    name_el = element.find(qn("w:name"))
    extra = []
    if based_on:
        extra.append(el("basedOn", val=based_on))
    if next_id:
        extra.append(el("next", val=next_id))
    if link:
        extra.append(el("link", val=link))
    for child in reversed(extra):
        name_el.addnext(child)
    if kind != WD_STYLE_TYPE.CHARACTER and (ppr or outline is not None):
        p = _ppr(*ppr)
        if outline is not None:
            put(p, el("outlineLvl", val=outline))
        element.append(p)
    if rpr:
        element.append(_rpr(*rpr))
    style.hidden = False
    style.quick_style = kind != WD_STYLE_TYPE.CHARACTER
    return style


def _body_font(key: str = "fangsong", half_points: int = SIZE["三号"]) -> list:
    return [
        fonts(_face(key)),
        el("b", val=0),
        el("bCs", val=0),
        el("color", val="000000"),
        *size(half_points),
    ]


def _no_indent():
    return el("ind", left=0, right=0, firstLine=0, firstLineChars=0)


def unspaced() -> OxmlElement:
    """Text set at its natural width: the table, the 报尾, the page numbers."""
    return el("spacing", val=0)


def _off_grid(line: int) -> list:
    """A paragraph with its own exact height, outside the document grid."""
    return [el("snapToGrid", val=0), spacing(line)]


def _define_styles(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.clear()
    rpr_default.append(
        _rpr(
            fonts(_face("fangsong")),
            *size(SIZE["三号"]),
            el("lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"),
        )
    )
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.clear()
    ppr_default.append(_ppr(spacing(LINE)))

    # 正文: 三号仿宋, 首行缩进 2 字符, 两端对齐, 固定值 28.95 磅 on the grid.
    _style(
        doc,
        "Normal",
        "Normal",
        based_on=None,
        # overflowPunct is on, as Word has it by default; written out because
        # LibreOffice reads it inverted (1: no punctuation past the margin, which the
        # official layout wants). No extra space between Chinese and digits or Latin
        # letters (autoSpaceDE/DN): digits sit on half a character, as in the PDF.
        ppr=[
            el("widowControl", val=0),
            el("overflowPunct", val=1),
            el("autoSpaceDE", val=0),
            el("autoSpaceDN", val=0),
            el("snapToGrid", val=1),
            spacing(LINE),
            el("ind", firstLine=round(2 * CHAR), firstLineChars=200),
            el("jc", val="both"),
        ],
        rpr=[
            fonts(_face("fangsong")),
            el("spacing", val=CONDENSED),
            el("kern", val=0),
            *size(SIZE["三号"]),
            el("lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"),
        ],
    )
    # 标题 1-4: 一、黑体 （一）楷体 1. and （1）仿宋, all 三号 on the body's grid; the
    # linked character styles print run-in headings at the start of a 正文 paragraph.
    for level, key in HEADING_FACES.items():
        font = _body_font(key)
        _style(
            doc,
            f"heading {level}",
            f"Heading{level}",
            next_id="Normal",
            link=f"Heading{level}Char",
            ppr=[el("keepNext")],
            rpr=font,
            outline=level - 1,
        )
        _style(
            doc,
            f"Heading {level} Char",
            f"Heading{level}Char",
            WD_STYLE_TYPE.CHARACTER,
            based_on="DefaultParagraphFont",
            link=f"Heading{level}",
            rpr=font,
        )

    centred = [_no_indent(), el("jc", val="center")]
    _style(
        doc,
        "报头标题",
        "MastheadTitle",
        ppr=[*_off_grid(3 * LINE), *centred],
        rpr=[
            fonts(_face("xiaobiaosong"), _face("xiaobiaosong")),
            el("color", val=RED),
            el("spacing", val=40),
            *size(TITLE_SIZE),
        ],
    )
    _style(doc, "报头期号", "MastheadLine", ppr=centred)
    _style(
        doc,
        "报头印发",
        "MastheadMeta",
        ppr=[
            el("pBdr", border("bottom", sz=12, color=RED, space=1)),
            el("tabs", el("tab", val="right", pos=TEXT_WIDTH)),
            _no_indent(),
            el("jc", val="left"),
        ],
    )
    _style(
        doc,
        "专栏名称",
        "ColumnTitle",
        ppr=[*_off_grid(2 * LINE), *centred],
        rpr=[fonts(_face("xiaobiaosong")), *size(SIZE["二号"])],
    )
    _style(doc, "专栏期间", "ColumnPeriod", ppr=centred, rpr=[fonts(_face("kaiti"))])
    # 附件说明: "附件：" two characters in, a wrapped name aligned after the colon.
    _style(
        doc,
        "附件说明",
        "AttachmentNote",
        ppr=[el("ind", left=round(5 * CHAR), hanging=round(3 * CHAR), firstLineChars=0)],
    )
    _style(doc, "附件标注", "AttachmentLabel", ppr=[_no_indent()], rpr=[fonts(_face("heiti"))])
    _style(
        doc,
        "附件标题",
        "AttachmentTitle",
        ppr=[
            el("snapToGrid", val=0),
            spacing(round(1.5 * LINE), before=round(0.25 * LINE), after=round(0.5 * LINE)),
            *centred,
        ],
        rpr=[fonts(_face("xiaobiaosong")), *size(SIZE["二号"])],
    )
    table_text = [el("snapToGrid", val=0), spacing(400), _no_indent(), el("jc", val="center")]
    _style(doc, "表格文字", "TableText", ppr=table_text, rpr=[unspaced(), *size(SIZE["四号"])])
    _style(
        doc,
        "表头",
        "TableHeading",
        ppr=table_text,
        rpr=[fonts(_face("heiti")), unspaced(), *size(SIZE["四号"])],
    )
    # 版记: 四号仿宋, labels 报：送：发： with the continuation after the colon.
    _style(
        doc,
        "版记",
        "Distribution",
        ppr=[
            el("snapToGrid", val=0),
            spacing(480),
            el("ind", left=2 * 280, hanging=2 * 280, firstLineChars=0),
            el("jc", val="left"),
        ],
        rpr=[unspaced(), *size(SIZE["四号"])],
    )
    _style(
        doc,
        "页码",
        "PageNumber",
        ppr=[el("snapToGrid", val=0), spacing(PAGE_NUMBER_LINE), _no_indent()],
        rpr=[
            fonts(_face("songti"), _face("songti"), hint="eastAsia"),
            unspaced(),
            *size(SIZE["四号"]),
        ],
    )
    _style(
        doc,
        "文稿标记",
        "PrintMark",
        ppr=[el("snapToGrid", val=0), spacing(360, rule="auto"), _no_indent()],
        rpr=[fonts(_face("heiti"), _face("heiti")), unspaced(), *size(SIZE["三号"])],
    )


def _font_table(doc) -> None:
    """Each face with an altName, so Word without it picks the nearest installed one."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    from docx.oxml.parser import parse_xml

    root = parse_xml(part.blob)
    for font in root.findall(qn("w:font")):
        root.remove(font)
    for key in ("fangsong", "kaiti", "heiti", "xiaobiaosong", "songti"):
        font = el("font", name=_face(key))
        if key in ALT_NAMES:
            font.append(el("altName", val=ALT_NAMES[key]))
        font.append(el("charset", val=86))  # GB2312
        font.append(el("family", val="modern" if key == "heiti" else "roman"))
        font.append(el("pitch", val="variable"))
        root.append(font)
    latin = el("font", name=LATIN)
    latin.append(el("charset", val="00"))
    latin.append(el("family", val="roman"))
    latin.append(el("pitch", val="variable"))
    root.append(latin)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _settings(doc) -> None:
    settings = doc.settings
    settings.odd_and_even_pages_header_footer = True  # w:evenAndOddHeaders
    element = settings.element
    zoom = element.find(qn("w:zoom"))
    mirror = el("mirrorMargins")
    if zoom is not None:
        zoom.addnext(mirror)
    else:
        element.insert(0, mirror)
    lang = element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    for setting in element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")  # tables at the margin, as Word 2013 and later


def _page(doc) -> None:
    section = doc.sections[0]
    sect = section._sectPr
    put(
        sect,
        el("pgSz", w=PAGE_WIDTH, h=PAGE_HEIGHT),
        # With mirrorMargins, left is the inner (binding) side and right the outer.
        el(
            "pgMar",
            top=TOP,
            right=OUTER,
            bottom=BOTTOM,
            left=INNER,
            header=HEADER_DISTANCE,
            footer=FOOTER_DISTANCE,
            gutter=0,
        ),
        el("cols", space=425),
        el("docGrid", type="linesAndChars", linePitch=LINE, charSpace=CHAR_SPACE),
    )


def _page_number(doc, paragraph, *, odd: bool) -> None:
    """ "— N —" with a PAGE field: odd pages right, even pages left, one character in."""
    styled(paragraph, "PageNumber")
    ppr = paragraph._p.get_or_add_pPr()
    indent = 280  # one 四号 character
    put(
        ppr,
        el("ind", **({"right": indent} if odd else {"left": indent}), firstLine=0),
        el("jc", val="right" if odd else "left"),
    )
    paragraph.add_run("— ")
    for child in (
        el("fldChar", fldCharType="begin"),
        _instr(" PAGE "),
        el("fldChar", fldCharType="separate"),
    ):
        paragraph.add_run()._r.append(child)
    paragraph.add_run("1")
    paragraph.add_run()._r.append(el("fldChar", fldCharType="end"))
    paragraph.add_run(" —")


def _instr(text: str) -> OxmlElement:
    instr = el("instrText")
    instr.text = text
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return instr


MARKS = {"draft": "草稿", "review": "送审稿"}


def _headers_and_footers(doc, issue: Issue) -> None:
    section = doc.sections[0]
    _page_number(doc, section.footer.paragraphs[0], odd=True)
    _page_number(doc, section.even_page_footer.paragraphs[0], odd=False)
    mark = MARKS.get(issue.print_mark)
    if mark:
        # 草稿 / 送审稿 at the outer side of the header of every page, as on the PDF.
        for header, odd in ((section.header, True), (section.even_page_header, False)):
            paragraph = header.paragraphs[0]
            styled(paragraph, "PrintMark")
            put(paragraph._p.get_or_add_pPr(), el("jc", val="right" if odd else "left"))
            paragraph.add_run(mark)


def _properties(doc, issue: Issue) -> None:
    props = doc.core_properties
    props.title = rendering.pdf_title(issue)
    props.subject = issue.label
    props.author = issue.series.issuing_body
    props.last_modified_by = issue.series.issuing_body
    props.language = "zh-CN"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    moment = issue.approved_at or timezone.now()
    props.created = props.modified = moment.astimezone(datetime.UTC).replace(tzinfo=None)


def _drop_thumbnail(doc) -> None:
    """python-docx's template carries a preview picture of its own sample page."""
    rels = doc.part.package.rels
    for key in [k for k, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(key)


def styled(item, style_id: str):
    """A paragraph or run given a style by its id. (python-docx's own setter looks the
    style up among all the template's styles each time: most of a build's time.)"""
    if style_id == "Normal":
        return item
    if hasattr(item, "_p"):
        put(item._p.get_or_add_pPr(), el("pStyle", val=style_id))
    else:
        put(item._r.get_or_add_rPr(), el("rStyle", val=style_id))
    return item


def new_document(issue: Issue):
    doc = Document()
    _drop_thumbnail(doc)
    _define_styles(doc)
    _font_table(doc)
    _settings(doc)
    _page(doc)
    _headers_and_footers(doc, issue)
    _properties(doc, issue)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


# --- the page flow, to place the 报尾 --------------------------------------------------


class Flow:
    """How far down its last page the text reaches, in twips, estimated as Word lays
    it out: whole grid lines for 正文, a table row at its tallest cell, rows never
    split, the header row repeated. Only the 报尾 asks: whether it fits under the text."""

    def __init__(self) -> None:
        self.used = 0

    def add(self, height: int) -> None:
        if self.used + height > TEXT_HEIGHT:
            self.used = height if height <= TEXT_HEIGHT else height % TEXT_HEIGHT
        else:
            self.used += height

    def lines(self, count: int, pitch: int = LINE) -> None:
        for _ in range(count):
            self.add(pitch)

    def page_break(self) -> None:
        self.used = 0

    @property
    def room(self) -> int:
        return TEXT_HEIGHT - self.used


def line_count(
    text: str, *, width: float, first: float = 0, rest: float = 0, char: float = CHAR
) -> int:
    """Lines a paragraph takes: `first` and `rest` are the indents of its first and
    following lines, in twips; digits and Latin letters count half a character."""
    per_first = max(1, math.floor((width - first) / char + 1e-6))
    per_rest = max(1, math.floor((width - rest) / char + 1e-6))
    ems = math.ceil(_ems(text))
    if ems <= per_first:
        return 1
    return 1 + math.ceil((ems - per_first) / per_rest)


# --- the content -----------------------------------------------------------------------


class Writer:
    def __init__(self, doc) -> None:
        self.doc = doc
        self.flow = Flow()

    def paragraph(
        self,
        style: str = "Normal",
        text: str = "",
        *,
        lines: int | None = None,
        pitch: int = LINE,
        first: float = 2 * CHAR,
        rest: float = 0,
    ):
        paragraph = styled(self.doc.add_paragraph(), style)
        if text:
            paragraph.add_run(clean(text))
        if lines is None:
            lines = line_count(text, width=TEXT_WIDTH, first=first, rest=rest)
        self.flow.lines(lines, pitch)
        return paragraph

    def body(self, text: str) -> None:
        """A body paragraph; a run-in heading at its start gets its heading's style."""
        run_in = split_run_in(text)
        if run_in:
            level, heading, rest = run_in
            self.run_in(level, heading, rest)
        else:
            self.paragraph(text=text)

    def run_in(self, level: int, heading: str, rest: str) -> None:
        paragraph = self.doc.add_paragraph()
        styled(paragraph.add_run(clean(heading)), f"Heading{level}Char")
        if rest:
            paragraph.add_run(clean(rest))
        self.flow.lines(line_count(heading + rest, width=TEXT_WIDTH, first=2 * CHAR))

    # the masthead ------------------------------------------------------------------

    def masthead(self, issue: Issue) -> None:
        self.paragraph("MastheadTitle", issue.series.title, lines=3)
        used = 3
        self.paragraph("MastheadLine", issue.label, lines=1)
        used += 1
        if issue.period_label and not issue.column_title:
            self.paragraph("MastheadLine", issue.period_label, lines=1)
            used += 1
        # Issuing body flush left, 印发日期 flush right: one line, a right tab stop.
        meta = styled(self.doc.add_paragraph(), "MastheadMeta")
        # The masthead is six grid lines high whatever it holds (print.css).
        ppr = meta._p.get_or_add_pPr()
        if used < 5:
            put(ppr, spacing(LINE, before=(5 - used) * LINE))
        meta.add_run(clean(issue.series.issuing_body))
        meta.add_run().add_tab()
        meta.add_run(clean(issue.issue_date_label))
        if masthead_meta_is_long(issue):  # 四号 when it would not fit on one 三号 line
            for run in meta.runs:
                run.font.size = Pt(SIZE["四号"] / 2)
        self.flow.lines(6 - used)
        if issue.column_title:
            self.paragraph("ColumnTitle", issue.column_title, lines=2)
            if issue.period_label:
                self.paragraph("ColumnPeriod", issue.period_label, lines=1)

    # sections ----------------------------------------------------------------------

    def section(self, section: Section, marker: str) -> None:
        paragraphs = section.paragraphs
        if section.title and section.runs_in:
            self.run_in(section.level, marker + section.title, paragraphs[0] if paragraphs else "")
            paragraphs = paragraphs[1:]
        elif section.title:
            self.paragraph(f"Heading{section.level}", marker + section.title)
        for text in paragraphs:
            self.body(text)
        paren = section.item_style == Section.ItemStyle.PAREN
        for number, item in enumerate(getattr(section, "accepted_items", []), start=1):
            for index, text in enumerate(item.paragraphs):
                if index == 0:
                    text = (f"（{number}）" if paren else f"{number}.") + text
                self.paragraph(text=text)

    def attachment_notes(self, attachments: list[Section]) -> None:
        self.paragraph(lines=1)  # a blank line after the body
        several = len(attachments) > 1
        for index, attachment in enumerate(attachments, start=1):
            number = f"{index}." if several else ""
            label = "附件：" if index == 1 else ""
            paragraph = self.paragraph(
                "AttachmentNote",
                label + number + attachment.title,
                first=2 * CHAR,
                rest=5 * CHAR,
            )
            if index > 1:
                put(
                    paragraph._p.get_or_add_pPr(),
                    el("ind", left=round(5 * CHAR), hanging=0, firstLineChars=0),
                )

    def attachment(self, attachment: Section, label: str) -> None:
        paragraph = self.paragraph("AttachmentLabel", label, lines=1)
        put(paragraph._p.get_or_add_pPr(), el("pageBreakBefore"))
        self.flow.page_break()
        self.flow.lines(1)
        title_lines = line_count(attachment.title, width=TEXT_WIDTH, char=22 * 20)
        self.paragraph("AttachmentTitle", attachment.title, lines=0)
        self.flow.add(round((0.75 + 1.5 * title_lines) * LINE))
        for text in attachment.paragraphs:
            self.body(text)
        rows = getattr(attachment, "score_rows", None)
        if rows:
            self.score_table(rows)
        groups = getattr(attachment, "adoption_groups", None)
        if groups:
            self.adoption_table(groups)

    # the score table ---------------------------------------------------------------

    COLUMNS = (0.11, 0.37, 0.13, 0.13, 0.13, 0.13)
    HEADINGS = ("排名", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值")
    CELL_MARGIN = (60, 40)  # twips: 3 pt above and below, 2 pt at the sides

    # An attached 通报 (bulletin/adoption): its ranking, as the PDF prints it.
    ADOPTION_COLUMNS = (0.07, 0.21, *(0.065,) * 8, 0.10, 0.10)
    ADOPTION_HEADINGS = (
        "排名", "部门（单位）", "报送", "采用", "修改采用", "退回", "不采用", "逾期", "缺报",
        "批示", "采用率", "得分",
    )  # fmt: skip

    def _widths(self, shares=COLUMNS) -> list[int]:
        widths = [round(TEXT_WIDTH * share) for share in shares]
        widths[-1] += TEXT_WIDTH - sum(widths)
        return widths

    def _row_height(self, texts: list[str], widths: list[int]) -> int:
        lines = max(
            line_count(text, width=width - 2 * self.CELL_MARGIN[1], char=280)
            for text, width in zip(texts, widths, strict=True)
        )
        return lines * 400 + 2 * self.CELL_MARGIN[0] + 10

    def score_table(self, rows: list) -> None:
        # A tie's rank is printed once: the first row's cell opens a vertical merge, the
        # rows below continue it.
        body = []
        for row in rows:
            merge = None
            if row.rank_rowspan > 1:
                merge = "restart"
            elif row.rank_rowspan == 0:
                merge = "continue"
            texts = [
                str(row.rank) if row.rank_rowspan else "",
                row.department.name,
                format_score(row.base),
                format_score(row.deduction),
                format_score(row.bonus),
                format_score(row.total_score),
            ]
            body.append((texts, merge))
        self.table(self.HEADINGS, self.COLUMNS, body)

    def adoption_table(self, groups: list) -> None:
        body = []
        for group in groups:
            for index, line in enumerate(group):
                merge = None if len(group) == 1 else ("continue" if index else "restart")
                texts = [
                    "" if index else str(line.rank),
                    line.department.name,
                    *(str(getattr(line, name)) for name in COUNTS),
                    line.rate_label,
                    line.points_label,
                ]
                body.append((texts, merge))
        self.table(self.ADOPTION_HEADINGS, self.ADOPTION_COLUMNS, body)

    def table(self, headings, shares, body: list[tuple[list[str], str | None]]) -> None:
        """A ruled table over the type area: the header row repeated on every page, no
        row split, a tie's rows (merge "restart", then "continue") kept on one page."""
        widths = self._widths(shares)
        table = self.doc.add_table(rows=0, cols=len(widths))
        tbl = table._tbl
        grid_border = {"sz": 4}  # 0.5 pt
        put(
            tbl.tblPr,
            el("tblW", w=TEXT_WIDTH, type="dxa"),
            el("jc", val="center"),
            el("tblInd", w=0, type="dxa"),
            el(
                "tblBorders",
                *(
                    border(side, **grid_border)
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
                ),
            ),
            el("tblLayout", type="fixed"),
            _cell_margins(*self.CELL_MARGIN),
        )
        for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(width))

        header_height = self._row_height(list(headings), widths)
        self._row(table, headings, widths, style="TableHeading", header=True)
        self.flow.add(header_height)
        for index, (texts, merge) in enumerate(body):
            keep = index + 1 < len(body) and body[index + 1][1] == "continue"
            self._row(table, texts, widths, merge=merge, keep_with_next=keep)
            height = self._row_height(texts, widths)
            if self.flow.used + height > TEXT_HEIGHT:
                self.flow.page_break()
                self.flow.add(header_height)
            self.flow.add(height)

    def _row(
        self,
        table,
        texts,
        widths,
        *,
        style="TableText",
        header=False,
        merge=None,
        keep_with_next=False,
    ):
        """A row written as WordprocessingML: python-docx's add_row and cells take
        longer than the rest of a bulletin together."""
        tr_pr = el("trPr", el("cantSplit"), *([el("tblHeader")] if header else []))
        tr = el("tr", tr_pr)
        for col, (text, width) in enumerate(zip(texts, widths, strict=True)):
            tc_pr = el("tcPr")
            put(tc_pr, el("tcW", w=width, type="dxa"), el("vAlign", val="center"))
            if col == 0 and merge:
                put(tc_pr, el("vMerge", val="restart") if merge == "restart" else el("vMerge"))
            p_pr = el("pPr", el("pStyle", val=style))
            if keep_with_next:
                put(p_pr, el("keepNext"))
            paragraph = el("p", p_pr)
            if text:
                paragraph.append(run(text))
            tr.append(el("tc", tc_pr, paragraph))
        table._tbl.append(tr)

    # the 报尾 -----------------------------------------------------------------------

    def distribution(self, issue: Issue) -> None:
        lines = issue.distribution_lines()
        if not (lines or issue.print_count):
            return
        inner = TEXT_WIDTH - 2 * 280
        rows = [(f"{label}：{text}", 2 * 280) for label, text in lines]
        if issue.print_count:
            rows.append((f"（共印{issue.print_count}份）", 0))
        # Each row: its lines of 24 pt, 3 pt above and below, its rule; the thick ones.
        height = sum(
            line_count(text, width=inner, rest=indent, char=280) * 480 + 2 * 60 + 15
            for text, indent in rows
        )
        height += 2 * 20 + 2 * LINE_SLACK
        if height > self.flow.room:
            # It would cover the last lines of text: it goes to a new page, and so does
            # the table behind this break (a floating table sits on the page it is on).
            self.spacer(page_break=True)

        table = self.doc.add_table(rows=0, cols=1)
        tbl = table._tbl
        put(
            tbl.tblPr,
            # Floating at the bottom of the type area of the page it lands on, as the
            # PDF's 报尾: Word and WPS keep it there when the text above changes.
            # Horizontally it is centred on the page (1 mm off the type area, whose
            # margins are 28 and 26 mm): LibreOffice keeps a table as wide as the type
            # area in the flow unless it is placed relative to the page.
            el(
                "tblpPr",
                leftFromText=0,
                rightFromText=0,
                topFromText=0,
                bottomFromText=0,
                vertAnchor="margin",
                horzAnchor="page",
                tblpXSpec="center",
                tblpYSpec="bottom",
            ),
            el("tblOverlap", val="never"),
            el("tblW", w=TEXT_WIDTH, type="dxa"),
            el("tblInd", w=0, type="dxa"),
            el(
                "tblBorders",
                border("top", sz=8),
                no_border("left"),
                border("bottom", sz=8),
                no_border("right"),
                border("insideH", sz=6),
                no_border("insideV"),
            ),
            el("tblLayout", type="fixed"),
            _cell_margins(60, 280),
        )
        tbl.tblGrid.findall(qn("w:gridCol"))[0].set(qn("w:w"), str(TEXT_WIDTH))
        for text, _indent in rows:
            row = table.add_row()
            row._tr.get_or_add_trPr().append(el("cantSplit"))
            cell = row.cells[0]
            put(cell._tc.get_or_add_tcPr(), el("tcW", w=TEXT_WIDTH, type="dxa"))
            paragraph = cell.paragraphs[0]
            styled(paragraph, "Distribution")
            if text.startswith("（共印"):
                put(
                    paragraph._p.get_or_add_pPr(),
                    el("ind", left=0, hanging=0, firstLineChars=0),
                    el("jc", val="right"),
                )
            paragraph.add_run(clean(text))
        # The paragraph a table needs after it, here without room of its own.
        self.spacer()

    def spacer(self, *, page_break: bool = False) -> None:
        """An empty paragraph 1 pt high."""
        paragraph = self.doc.add_paragraph()
        ppr = paragraph._p.get_or_add_pPr()
        if page_break:
            put(ppr, el("pageBreakBefore"))
        put(ppr, el("snapToGrid", val=0), spacing(20), _no_indent())


def _cell_margins(vertical: int, horizontal: int) -> OxmlElement:
    return el(
        "tblCellMar",
        el("top", w=vertical, type="dxa"),
        el("left", w=horizontal, type="dxa"),
        el("bottom", w=vertical, type="dxa"),
        el("right", w=horizontal, type="dxa"),
    )


def issue_docx(issue: Issue, context: dict | None = None) -> bytes:
    """The issue as a .docx: the same content as its PDF, in Word's official layout."""
    context = context or rendering.bulletin_context(issue)
    doc = new_document(issue)
    writer = Writer(doc)
    writer.masthead(issue)
    for section, marker in context["body_sections"]:
        writer.section(section, marker)
    attachments = context["attachments"]
    if attachments:
        writer.attachment_notes(attachments)
        several = len(attachments) > 1
        for index, attachment in enumerate(attachments, start=1):
            writer.attachment(attachment, f"附件{index}" if several else "附件")
    writer.distribution(issue)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_filename(issue: Issue) -> str:
    return rendering.pdf_filename(issue).removesuffix(".pdf") + ".docx"


# --- the issued Word file ----------------------------------------------------------------

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class StoredDocxError(RuntimeError):
    """An issued Word file is missing from storage or no longer matches its SHA-256."""


def read_stored_docx(issue: Issue) -> bytes:
    try:
        with issue.docx.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError) as exc:
        raise StoredDocxError(f"{issue}: the stored Word file cannot be read ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != issue.docx_sha256:
        raise StoredDocxError(f"{issue}: the stored Word file does not match its SHA-256")
    return data


def issue_store_docx(*, issue: Issue) -> bytes:
    """The issued issue's Word file: built once, stored with its SHA-256 beside the PDF,
    and from then on these bytes, whatever happens to the code or the data later.

    Called when the issue is issued; an issue that became issued another way (an
    imported bulletin) stores it at its first download.
    """
    if not issue.is_frozen:
        raise ValueError(f"{issue} is not issued: its Word file is not stored")
    if issue.docx_sha256:
        return read_stored_docx(issue)
    data = issue_docx(issue)
    digest = hashlib.sha256(data).hexdigest()
    name = default_storage.save(f"issued/issue-{issue.pk}-{digest[:16]}.docx", ContentFile(data))
    # Compare-and-set: two first downloads at once store one file between them.
    stored = Issue.objects.filter(pk=issue.pk, docx_sha256="").update(docx=name, docx_sha256=digest)
    if not stored:
        default_storage.delete(name)
        issue.refresh_from_db(fields=["docx", "docx_sha256"])
        return read_stored_docx(issue)
    issue.docx.name, issue.docx_sha256 = name, digest
    return data


def docx_file(*, issue: Issue) -> bytes:
    """What 下载Word gives: an issued issue's stored file, any other issue's Word file
    built from its content as it is now (草稿 or 送审稿 in the header)."""
    if issue.is_frozen:
        return issue_store_docx(issue=issue)
    return issue_docx(issue)
