"""The body: what each paragraph is, decided from its context as well as its numeral.

- A numbered line continues the outline (一、 二、, （一） （二）) when its number is the
  next one there; a heading stands alone when it holds no sentence, and runs into its
  paragraph ("（一）其他工作。本周…") when it does.
- A reprinted article (a title, an 编者按, or numbering that starts again at 一、 inside a
  section) keeps its own numbered paragraphs as body text; the outline takes over again
  at its next number, when that line is a short heading and the article's points were
  not (or it is a Markdown heading).
- In a section of department items, 1. (or （1）) numbers the items and the other scheme
  numbers sub-items inside the current one; a paragraph after an item belongs to it.
- A short line without a sentence in it is a title or subtitle: it stands alone. A longer
  paragraph that does not end a sentence was cut by a page break and the next line
  continues it (not for Word files, whose paragraphs are whole).
- 附件 notes and pages, then the 版记: 报/送/发 (and 抄送, 主送 …), （共印N份）, and lines
  such as "…中心办公室 2024年4月12日印发" or "编印单位：…", which the app prints itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from bulletin.importing.model import (
    BulletinFormatError,
    Override,
    ParsedAttachment,
    ParsedBulletin,
    ParsedItem,
    ParsedSection,
    Role,
)
from bulletin.importing.patterns import (
    ATTACHMENT_NOTE,
    ATTACHMENT_PAGE,
    DISTRIBUTION,
    DISTRIBUTION_FIELD,
    EDITOR_NOTE,
    IMPRINT,
    IMPRINT_DATE,
    NOTE_NUMBER,
    PRINT_COUNT,
    PROSE_KINDS,
    kind_for,
)
from bulletin.importing.source import (
    Marker,
    SourceLine,
    is_complete,
    is_cut,
    is_title,
    marker,
    prose,
    split_sentence,
)
from bulletin.importing.tables import AttachmentReader, Record, make_date
from bulletin.models import Section
from lib.limits import MAX_BODY
from lib.text import compact

LABELS = {"report_to": "报", "send_to": "送", "distribute_to": "发"}


@dataclass
class Article:
    """A text reprinted inside a section: its numbering is not the bulletin's outline."""

    line: int
    explicit: bool  # begun by a title or an 编者按, not by numbering that starts again
    numbers: dict[int, int] = field(default_factory=dict)  # level -> its last number
    headings: dict[int, bool] = field(default_factory=dict)  # level -> points were headings
    has_text: bool = False

    def expects(self, m: Marker) -> bool:
        return m.number == self.numbers.get(m.level, 0) + 1

    def take(self, m: Marker) -> None:
        self.numbers[m.level] = m.number
        for deeper in range(m.level + 1, 5):
            self.numbers.pop(deeper, None)
        self.headings[m.level] = m.is_short_heading
        self.has_text = True


@dataclass
class Open:
    """The paragraph the next line may continue: a section's body paragraph or an item."""

    container: list
    index: int
    role: Role
    line: int

    @property
    def text(self) -> str:
        value = self.container[self.index]
        return value.text.rsplit("\n", 1)[-1] if isinstance(value, ParsedItem) else value

    def extend(self, addition: str) -> None:
        value = self.container[self.index]
        if isinstance(value, ParsedItem):
            head, _sep, last = value.text.rpartition("\n")
            value.text = (head + "\n" if head else "") + prose(last + addition)
        else:
            self.container[self.index] = prose(value + addition)


class BodyReader:
    def __init__(
        self,
        lines: list[SourceLine],
        doc: ParsedBulletin,
        record: Record,
        *,
        whole_paragraphs: bool,
        overrides: dict[int, Override],
    ):
        self.lines = lines
        self.doc = doc
        self._record = record
        self.whole_paragraphs = whole_paragraphs
        self.overrides = overrides
        self.section: ParsedSection | None = None
        self.top_kind: str | None = None
        self.outline = {1: 0, 2: 0, 3: 0, 4: 0}  # the outline's last number per level
        self.numbers = {3: 0, 4: 0}  # the last 1. and （1） of the current section
        self.item_level: int | None = None
        self.article: Article | None = None
        self.open: Open | None = None  # the paragraph a cut line continues
        self.last: Open | None = None  # the last paragraph written (for a "join" override)
        self.footer = ""  # the distribution field read last, once the 版记 has begun
        self.footer_started = False
        self.notes: list[tuple[int, str]] = []
        self.imprint_date = None

    def record(self, line: SourceLine, role: Role, **detail) -> None:
        if role in (Role.HEADING, Role.BODY, Role.ITEM, Role.TITLE, Role.NOTE):
            detail.setdefault("section", len(self.doc.sections) - 1)
        self._record(line, role, **detail)

    # --- the loop ------------------------------------------------------------------

    def read(self, i: int) -> None:
        lines = self.lines
        while i < len(lines):
            line = lines[i]
            i += 1
            if line.dropped:
                self.record(line, Role.DROPPED, reason=line.dropped)
                continue
            if line.no in self.overrides:
                self._override(line, self.overrides[line.no])
                continue
            if ATTACHMENT_PAGE.match(compact(line.text)):
                reader = AttachmentReader(lines, self.record, stops=set(self.overrides))
                i, attachment = reader.read(i, line)
                self._attachment(attachment)
                self.open = self.last = None
                continue
            if self._footer(line) or self._attachment_note(line):
                self.open = self.last = None
                continue
            self._paragraph(line)
        self._place_notes()
        if self.doc.issue_date is None and self.imprint_date is not None:
            self.doc.issue_date = self.imprint_date

    def _footer(self, line: SourceLine) -> bool:
        doc, text = self.doc, line.text
        if m := PRINT_COUNT.match(compact(text)):
            doc.print_count = int(m.group(1))
            self.footer_started = True
            self.record(line, Role.PRINT_COUNT)
            return True
        if m := DISTRIBUTION.match(text):
            attr = DISTRIBUTION_FIELD[m.group(1)]
            if getattr(doc, attr):
                raise BulletinFormatError(
                    line.no, _("a second %(label)s： line") % {"label": m.group(1)}
                )
            setattr(doc, attr, prose(m.group(2)))
            self.footer_started, self.footer = True, attr
            self.record(line, Role.DISTRIBUTION, field=LABELS[attr])
            return True
        if IMPRINT.match(text):
            if m := IMPRINT_DATE.search(compact(text)):
                self.imprint_date = make_date(line.no, *map(int, m.groups()))
            self.record(line, Role.IMPRINT)
            return True
        if self.footer_started:
            previous = getattr(doc, self.footer) if self.footer else ""
            if previous and not is_complete(previous):
                setattr(doc, self.footer, prose(previous + text))
                self.record(line, Role.DISTRIBUTION, field=LABELS[self.footer])
                return True
            raise BulletinFormatError(
                line.no,
                _("text after the distribution lines (报/送/发): %(text)s") % {"text": text[:30]},
            )
        return False

    def _attachment_note(self, line: SourceLine) -> bool:
        if m := ATTACHMENT_NOTE.match(line.text):
            self.notes.append((line.no, m.group(1)))
        elif (
            self.notes
            and (m := NOTE_NUMBER.match(line.text))
            and int(m.group(1)) == len(self.notes) + 1
        ):
            self.notes.append((line.no, line.text))  # "附件：1. …" followed by "2. …"
        else:
            return False
        self.record(line, Role.ATTACHMENT_NOTE)
        return True

    def _paragraph(self, line: SourceLine) -> None:
        m = marker(line.text)
        if m and m.level == 3 and m.number not in (1, self.numbers[3] + 1) and m.rest[:1].isdigit():
            m = None  # "2.5倍…" at the start of a paragraph, not an item
        # A paragraph cut by a page break is joined again before the line is looked at.
        if self.open and not m and not line.heading and not EDITOR_NOTE.match(line.text):
            self._continue(line, self.open)
            return
        self.open = None
        if m is None:
            self._unnumbered(line)
        elif m.level <= 2:
            self._numbered_heading(line, m)
        else:
            self._numbered_paragraph(line, m)

    # --- paragraphs ----------------------------------------------------------------

    def _ensure_section(self, line: SourceLine) -> ParsedSection:
        if self.section is None:
            self._new_section(line, 1, "", "", None)  # text before the first heading
        return self.section

    def _body(self, line: SourceLine, text: str, role: Role = Role.BODY, **detail) -> None:
        section = self._ensure_section(line)
        section.body.append(text)
        here = Open(section.body, len(section.body) - 1, role, line.no)
        self.last = here
        # A title stands alone; anything else may have been cut by a page break.
        self.open = here if role != Role.TITLE and self._may_be_cut(text) else None
        if self.article is not None and role == Role.BODY:
            self.article.has_text = True
        self.record(line, role, **detail)

    def _may_be_cut(self, text: str) -> bool:
        return not self.whole_paragraphs and is_cut(text)

    def _continue(self, line: SourceLine, target: Open, **detail) -> None:
        target.extend(prose(line.text))
        if len(target.text) > MAX_BODY:
            raise BulletinFormatError(
                line.no,
                _(
                    "a paragraph of %(length)d characters; at most %(max)d can be printed "
                    "within the render budget: split it"
                )
                % {"length": len(target.text), "max": MAX_BODY},
            )
        self.record(line, target.role, joined_to=target.line, **detail)
        if not self._may_be_cut(target.text):
            self.open = None

    def _unnumbered(self, line: SourceLine) -> None:
        text = prose(line.text)
        if EDITOR_NOTE.match(line.text):
            self._body(line, text, Role.NOTE)
            self.article = Article(line.no, explicit=True)
        elif line.heading or is_title(text):
            self._title(line, text)
        elif self._in_items():
            self._item_paragraph(line, text)
        else:
            self._body(line, text)

    def _title(self, line: SourceLine, text: str, **detail) -> None:
        # A title after the article's text starts another article; right after a title
        # it is the subtitle of the same one.
        if self.article is None or self.article.has_text:
            self.article = Article(line.no, explicit=True)
        self._body(line, text, Role.TITLE, **detail)

    def _in_items(self) -> bool:
        section = self.section
        return bool(
            section and section.kind == Section.Kind.ITEMS and section.items and not self.article
        )

    def _item_paragraph(self, line: SourceLine, text: str, **detail) -> None:
        item = self.section.items[-1]
        item.text += "\n" + text
        self._opened_item(line, **detail)

    def _opened_item(self, line: SourceLine, **detail) -> None:
        items = self.section.items
        here = Open(items, len(items) - 1, Role.ITEM, items[-1].line)
        self.last = here
        self.open = here if self._may_be_cut(here.text) else None
        self.record(line, Role.ITEM, **detail)

    # --- numbered lines ------------------------------------------------------------

    def _numbered_heading(self, line: SourceLine, m: Marker) -> None:
        """一、 or （一）: the outline's next section, an article's point, or prose."""
        if m.level == 2 and self.top_kind in PROSE_KINDS and not m.is_heading:
            # 大厅巡查: "（一）按时到岗情况。总体情况良好。" is a finding, kept as written
            self._body(line, m.text + m.rest)
            return
        if self._continues_outline(line, m):
            self._heading(line, m.level, m.rest)
            return
        article = self.article
        if article is not None and article.expects(m):
            article.take(m)
            self._body(line, m.text + m.rest)
            return
        if m.number == 1 and self.section is not None:
            # Numbering that starts again inside a section: a reprinted article's own.
            self.article = Article(line.no, explicit=False)
            self.article.take(m)
            self._body(line, m.text + m.rest)
            return
        expected = self.outline[m.level] + 1
        raise BulletinFormatError(
            line.no,
            _("section numbered %(number)d where %(expected)d was expected: %(text)s")
            % {"number": m.number, "expected": expected, "text": line.text},
        )

    def _continues_outline(self, line: SourceLine, m: Marker) -> bool:
        if m.number != self.outline[m.level] + 1:
            return False
        article = self.article
        if article is None or not article.expects(m) or line.heading:
            return True
        if m.level not in article.numbers:
            # An article begun by a title: its first point is its own, unless no heading
            # has come yet and this is one (an 编者按 on top of the issue).
            before_outline = not any(section.title for section in self.doc.sections)
            return not article.explicit or (before_outline and m.is_short_heading)
        # Both could go on here: the outline's headings are short, an article's points
        # are paragraphs (or headings too, and then the article goes on).
        return m.is_short_heading and not article.headings.get(m.level, False)

    def _heading(self, line: SourceLine, level: int, rest: str, **detail) -> None:
        if not rest:
            raise BulletinFormatError(
                line.no, _("a heading marker with no text: %(text)s") % {"text": line.text}
            )
        self.outline[level] += 1
        for deeper in range(level + 1, 5):
            self.outline[deeper] = 0
        is_heading = not any(ch in rest for ch in "。！？!?")
        title, body = (rest, "") if is_heading else split_sentence(rest)
        parent = self.top_kind if level > 1 else None
        self._new_section(line, level, title, body, parent)
        self.record(line, Role.HEADING, level=level, **detail)
        if level == 1:
            self.top_kind = self.section.kind
        if body:
            here = Open(self.section.body, 0, Role.BODY, line.no)
            self.last = here
            self.open = here if self._may_be_cut(body) else None

    def _new_section(self, line, level: int, title: str, body: str, parent_kind) -> None:
        section = ParsedSection(line.no, level, title, kind_for(title, parent_kind))
        if body:
            section.body.append(body)
        self.doc.sections.append(section)
        self.section = section
        self.numbers = {3: 0, 4: 0}
        self.item_level = None
        self.article = None

    def _numbered_paragraph(self, line: SourceLine, m: Marker) -> None:
        """1. or （1）: an item, a sub-item, or a numbered paragraph of the text."""
        self.numbers[m.level] = m.number
        if self.article is not None:
            self.article.take(m)
            self._body(line, m.text + m.rest)
        elif self.section is not None and self.section.kind == Section.Kind.ITEMS:
            self._item(line, m)
        else:
            self._body(line, m.text + m.rest)

    def _item(self, line: SourceLine, m: Marker) -> None:
        section = self.section
        if not m.rest:
            raise BulletinFormatError(
                line.no, _("a heading marker with no text: %(text)s") % {"text": line.text}
            )
        if section.items and m.level != self.item_level:
            # The other scheme inside an item: its sub-items, kept with their numbers.
            self._item_paragraph(line, m.text + m.rest, field="sub")
            return
        if not section.items:
            self.item_level = m.level
            section.item_style = (
                Section.ItemStyle.ARABIC if m.level == 3 else Section.ItemStyle.PAREN
            )
        expected = len(section.items) + 1
        if m.number != expected:
            raise BulletinFormatError(
                line.no,
                _("item numbered %(number)d where %(expected)d was expected: %(text)s")
                % {"number": m.number, "expected": expected, "text": line.text},
            )
        section.items.append(ParsedItem(line.no, m.level, m.rest))
        self._opened_item(line)

    # --- the editor's corrections --------------------------------------------------

    def _override(self, line: SourceLine, override: Override) -> None:
        self.open = None
        m = marker(line.text)
        rest = m.rest if m else prose(line.text)
        if override.heading_level:
            self._heading(line, override.heading_level, rest, overridden=True)
        elif override == Override.ITEM:
            section = self._ensure_section(line)
            if section.kind != Section.Kind.ITEMS:
                section.kind = Section.Kind.ITEMS
            if not section.items:
                level = m.level if m and m.level >= 3 else 3
                self.item_level = level
                section.item_style = (
                    Section.ItemStyle.PAREN if level == 4 else Section.ItemStyle.ARABIC
                )
            section.items.append(ParsedItem(line.no, self.item_level or 3, rest))
            self.article = None
            self._opened_item(line, overridden=True)
        elif override == Override.BODY:
            self._body(line, prose(line.text), overridden=True)
        elif override == Override.TITLE:
            self._title(line, prose(line.text), overridden=True)
        elif override == Override.JOIN:
            if self.last is None:
                raise BulletinFormatError(
                    line.no, _("there is no paragraph above for this line to continue")
                )
            self._continue(line, self.last, overridden=True)

    # --- attachments ---------------------------------------------------------------

    def _attachment(self, attachment: ParsedAttachment) -> None:
        known = [a for a in self.doc.attachments if compact(a.title) == compact(attachment.title)]
        if known:
            raise BulletinFormatError(attachment.line, _("the same attachment appears twice"))
        self.doc.attachments.append(attachment)

    def _place_notes(self) -> None:
        """附件 notes name attachments; one without a page of its own is still listed."""
        known = {compact(a.title) for a in self.doc.attachments}
        for no, note in self.notes:
            title = prose(NOTE_NUMBER.sub("", note, count=1))
            if compact(title) not in known:
                self.doc.attachments.append(ParsedAttachment(no, title))
                known.add(compact(title))
