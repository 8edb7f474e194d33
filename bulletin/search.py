"""The issue list's search: which issues a query finds, and the passage each one shows.

A query is words separated by spaces or punctuation (营商环境 水利厅, 营商环境，水利厅, up
to MAX_TERMS of them), and an issue is found when every word matches somewhere in it.
Chinese has no word boundaries, so a word matches as a substring of the series and
column titles, the sections' titles and text and the accepted items (drafts and returned
items are in no issue's text); on PostgreSQL trigram indexes serve it (migration 0008).

A word may also name issues the way the masthead prints them, and then it matches those
issues as well as the text:

- an issue number: 38, 第38期 or 38期 (the yearly or the total number), 2023年第38期,
  总第458期, 2023年第38期（总第458期）, 2023年;
- a date: 2023年10月17日, 2023-10-17, 2023/10/17, 2023.10.17 or 10月17日 (in any year),
  for the period that contains it and the 印发日期 (issue date); a period as printed,
  9月25日—9月28日; a month, 2023年9月.

Spaces inside such a form are ignored (2023 年第 38 期) and full-width digits read as
digits.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from departments.models import Hall

if TYPE_CHECKING:
    from bulletin.models import Issue, IssueQuerySet

# Each word is a scan of the text columns (or a trigram index lookup): a pasted paragraph
# must not become a hundred of them. The words after these are ignored.
MAX_TERMS = 10
# Characters of context on each side of the first match in a result's passage, and how
# many passages a result shows at most when its words are in different places.
CONTEXT = 40
MAX_PASSAGES = 3

# Between words. Not - / . (2023-10-17, 2023/10/17, 2023.10.17) nor brackets
# (2023年第38期（总第458期）): a word that is not a number or a date is then split at
# its brackets.
SEPARATOR = re.compile(r"[,，、;；:：!！?？。\"“”'‘’《》〈〉「」『』【】〔〕…|｜]+")
BRACKETS = re.compile(r"[()（）\[\]［］{}｛｝]+")

NUMBER = re.compile(
    r"(?:(?P<year>\d{4})年)?(?:第?(?P<number>\d{1,4})期)?"
    r"(?:[（(]?总第(?P<total>\d{1,6})期[）)]?)?"
)
DATE = re.compile(r"(?P<y>\d{4})(?:年|[-/.])(?P<m>\d{1,2})(?:月|[-/.])(?P<d>\d{1,2})日?")
MONTH_DAY = re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日?")
RANGE = re.compile(r"[（(]?(\d{1,2})月(\d{1,2})日[—–\-~至到]+(\d{1,2})月(\d{1,2})日[）)]?")
YEAR_MONTH = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月")


@dataclass(frozen=True)
class Form:
    """The issues a number or date names: as a filter, as a test of one issue, and as
    the masthead prints it (to mark it there)."""

    q: Q
    names: Callable[[Issue], bool]
    printed: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """One word of a query: matched in the text, and naming issues when it is a form."""

    text: str
    form: Form | None = None

    @property
    def bounded(self) -> str | None:
        """For a number or a date, a regular expression that keeps it out of longer
        numbers in the text (1月7日 is not in 11月7日), else None."""
        return _bounded(self.text) if self.form and _digit_at_either_end(self.text) else None

    @property
    def pattern(self) -> re.Pattern:
        return re.compile(self.bounded or re.escape(self.text), re.IGNORECASE)


def _digit_at_either_end(text: str) -> bool:
    return text[:1].isdigit() or text[-1:].isdigit()


def _bounded(text: str) -> str:
    # Lookarounds read the same in Python's and PostgreSQL's regular expressions (SQLite's
    # REGEXP is Python's, through Django).
    pattern = re.escape(text)
    if text[:1].isdigit():
        pattern = "(?<![0-9])" + pattern
    if text[-1:].isdigit():
        pattern += "(?![0-9])"
    return pattern


def normalize_query(text: str) -> str:
    """Full-width digits and brackets as half-width, no spaces: 2023 年第 ３８ 期 → 2023年第38期."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


def number_form(text: str) -> Form | None:
    """The issues a number form names, or None when `text` is not one."""
    text = normalize_query(text)
    if re.fullmatch(r"[0-9]{1,6}", text):  # a longer run of digits is only text
        n = int(text)
        printed = (f"第{n}期", f"总第{n}期", *([f"{n}年"] if n >= 1000 else []))
        return Form(
            Q(number=n) | Q(total_number=n) | Q(year=n),
            lambda i: n in (i.number, i.total_number, i.year),
            printed,
        )
    m = NUMBER.fullmatch(text)
    if not m or not any(m.groups()):
        return None
    year, number, total = (int(g) if g else None for g in m.group("year", "number", "total"))
    q, printed = Q(), []
    if year is not None:
        q &= Q(year=year)
        printed.append(f"{year}年" if number is None else f"{year}年第{number}期")
    if number is not None and (year is not None or total is not None):
        q &= Q(number=number)
        if year is None:
            printed.append(f"第{number}期")
    elif number is not None:
        # 第459期 or 39期 alone: people quote either number.
        q &= Q(number=number) | Q(total_number=number)
        printed += [f"总第{number}期", f"第{number}期"]
    if total is not None:
        q &= Q(total_number=total)
        printed.append(f"总第{total}期")

    def names(issue: Issue) -> bool:
        if year is not None and issue.year != year:
            return False
        if total is not None and issue.total_number != total:
            return False
        if number is None:
            return True
        if year is None and total is None:
            return number in (issue.number, issue.total_number)
        return issue.number == number

    return Form(q, names, tuple(printed))


def _covers(month: int, day: int) -> Q:
    """Periods that include month/day in any year (a period is at most a few days long)."""
    after_start = Q(period_start__month__lt=month) | Q(
        period_start__month=month, period_start__day__lte=day
    )
    before_end = Q(period_end__month__gt=month) | Q(
        period_end__month=month, period_end__day__gte=day
    )
    # A period across New Year (12月29日—1月2日) covers the end of December and the
    # start of January.
    wraps = Q(period_start__month=12, period_end__month=1)
    return (after_start & before_end) | (wraps & (after_start | before_end))


def _period_covers(issue: Issue, month: int, day: int) -> bool:
    start, end = issue.period_start, issue.period_end
    if not (start and end):
        return False
    for year in {start.year, end.year}:
        try:
            if start <= datetime.date(year, month, day) <= end:
                return True
        except ValueError:  # 2月29日 in another year
            continue
    return False


def period_form(text: str) -> Form | None:
    """The issues whose period or issue date a date form names, or None."""
    text = normalize_query(text)
    if m := RANGE.fullmatch(text):
        m1, d1, m2, d2 = (int(g) for g in m.groups())
        return Form(
            Q(
                period_start__month=m1,
                period_start__day=d1,
                period_end__month=m2,
                period_end__day=d2,
            ),
            lambda i: bool(
                i.period_start
                and i.period_end
                and (i.period_start.month, i.period_start.day) == (m1, d1)
                and (i.period_end.month, i.period_end.day) == (m2, d2)
            ),
            (f"{m1}月{d1}日—{m2}月{d2}日",),
        )
    if m := DATE.fullmatch(text):
        try:
            day = datetime.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
        return Form(
            Q(period_start__lte=day, period_end__gte=day) | Q(issue_date=day),
            lambda i: bool(
                i.issue_date == day
                or (i.period_start and i.period_end and i.period_start <= day <= i.period_end)
            ),
            (f"{day.year}年{day.month}月{day.day}日", f"{day.month}月{day.day}日"),
        )
    if m := MONTH_DAY.fullmatch(text):
        month, day = int(m["m"]), int(m["d"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return Form(
            _covers(month, day) | Q(issue_date__month=month, issue_date__day=day),
            lambda i: bool(
                (i.issue_date and (i.issue_date.month, i.issue_date.day) == (month, day))
                or _period_covers(i, month, day)
            ),
            (f"{month}月{day}日",),
        )
    if m := YEAR_MONTH.fullmatch(text):
        year, month = int(m["y"]), int(m["m"])
        return Form(
            Q(period_start__year=year, period_start__month=month)
            | Q(period_end__year=year, period_end__month=month)
            | Q(issue_date__year=year, issue_date__month=month),
            lambda i: any(
                d and (d.year, d.month) == (year, month)
                for d in (i.period_start, i.period_end, i.issue_date)
            ),
            (f"{year}年{month}月",),
        )
    return None


def number_q(text: str) -> Q | None:
    """The issues a number form names, or None when `text` is not one."""
    form = number_form(text)
    return form.q if form else None


def period_q(text: str) -> Q | None:
    """The issues whose period or issue date a date form names, or None."""
    form = period_form(text)
    return form.q if form else None


def _form(text: str) -> Form | None:
    return number_form(text) or period_form(text)


def _joined_forms(chunks: list[str]) -> list[str]:
    """The space-separated chunks with the runs that make one form joined: 2023 年第 38 期."""
    words, i = [], 0
    while i < len(chunks):
        j = i + 1
        for end in range(min(len(chunks), i + 8), i + 1, -1):
            joined = "".join(chunks[i:end])
            # Two numbers side by side (2023 38) are two words, not one number.
            if not normalize_query(joined).isdecimal() and _form(joined):
                j = end
                break
        words.append("".join(chunks[i:j]))
        i = j
    return words


def terms(query: str) -> list[Term]:
    """The words of a query, each once, at most MAX_TERMS."""
    found: dict[str, Term] = {}
    for group in SEPARATOR.split(query):
        for chunk in _joined_forms(group.split()):
            if form := _form(chunk):
                pieces = [(normalize_query(chunk), form)]
            else:
                pieces = [(p, _form(p)) for p in BRACKETS.split(chunk) if p]
            for text, piece_form in pieces:
                found.setdefault(text, Term(text, piece_form))
    return list(found.values())[:MAX_TERMS]


def _lookup(word: str, scan: bool = False) -> str:
    # A trigram index cannot serve one or two characters, so the text columns are
    # scanned; without UPPER() on every row (Chinese has no case) the scan costs a third
    # as much. `scan`: the rows are read anyway (one hall's), no index is wanted.
    short = len(word) < 3 or scan
    return "contains" if short and word.upper() == word.lower() else "icontains"


def _contains(field: str, term: Term, scan: bool = False) -> Q:
    q = Q(**{f"{field}__{_lookup(term.text, scan)}": term.text})
    if term.bounded:
        # The LIKE still narrows the rows first (through the trigram index on
        # PostgreSQL); the regular expression only checks those.
        q &= Q(**{f"{field}__regex": term.bounded})
    return q


def _text_filters(term: Term, scan: bool = False) -> tuple[Q, Q]:
    """Sections and accepted items whose text contains `term`, as filters on each."""
    sections = _contains("title", term, scan) | _contains("body", term, scan)
    items = _contains("headline", term, scan) | _contains("body", term, scan)
    return sections, items


def _term_q(term: Term, scope=None) -> Q:
    # bulletin.models imports this module for its Issue.objects.search.
    from bulletin.models import Section, Submission

    in_sections, in_items = _text_filters(term, scan=scope is not None)
    sections = Section.objects.filter(in_sections)
    items = Submission.objects.accepted().filter(in_items)
    if scope is not None:
        # One hall's issues: their own sections and items are read (a word common in a
        # province of 22 halls matches twenty times the rows of the hall's archive).
        sections = sections.filter(issue__in=scope)
        items = items.filter(section__issue__in=scope)
    # `pk IN (subquery)` is a semi-join like Exists(): an issue comes once however many
    # of its items match. Inside an OR, PostgreSQL runs either as one hashed subquery
    # but prices a correlated Exists() as if it ran per issue (an estimate of 100,000+
    # that switches on JIT compilation, 50 ms more); IN is priced right.
    match = (
        _contains("series__title", term)
        | _contains("column_title", term)
        | Q(pk__in=sections.values("issue_id"))
        | Q(pk__in=items.values("section__issue_id"))
    )
    if term.form is not None:
        match |= term.form.q
    return match


def search(issues: IssueQuerySet, query: str, *, hall: int | None = None) -> IssueQuerySet:
    """The issues in which every word of `query` matches (see the module's docstring);
    with `hall`, among that hall's issues only. Where other halls share the tables, the
    hall's own text is read instead of the whole province's index matches."""
    from bulletin.models import Issue

    words = terms(query)
    if not words:
        return issues
    scope = None
    if hall is not None:
        issues = issues.in_hall(hall)
        if Hall.objects.exclude(pk=hall).exists():
            scope = Issue.objects.in_hall(hall).values("pk")
    return issues.filter(*(_term_q(term, scope) for term in words))


def _marks(words: list[Term]) -> re.Pattern:
    """What to mark: every word, and how the masthead prints the numbers and dates."""
    alternatives = {t.text: t.bounded or re.escape(t.text) for t in words}
    for t in words:
        for printed in t.form.printed if t.form else ():
            alternatives.setdefault(printed, _bounded(printed))
    # Longest first, so 总第459期 is marked whole rather than its 第459期.
    longest = sorted(alternatives, key=len, reverse=True)
    return re.compile("|".join(alternatives[w] for w in longest), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern) -> SafeString:
    """`text` escaped, with what `pattern` matches in <mark>: the user's words never
    become HTML."""
    pieces, last = [], 0
    for m in pattern.finditer(text):
        pieces += [escape(text[last : m.start()]), format_html("<mark>{}</mark>", m[0])]
        last = m.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _excerpt(text: str, first: re.Match) -> str:
    start = max(0, first.start() - CONTEXT)
    end = min(len(text), first.end() + CONTEXT)
    return f"{'…' if start else ''}{text[start:end]}{'…' if end < len(text) else ''}"


def masthead_line(issue: Issue) -> str:
    parts = [issue.series.title, f"{issue.label}{issue.period_label}"]
    if issue.issue_date:
        parts.append(f"{_('Issue date')} {issue.issue_date_label}")
    return "\u3000".join(parts)


def passages(issues: Iterable[Issue], query: str) -> dict[int, SafeString]:
    """For each issue found by `query`, by pk: the passage that matched, CONTEXT characters
    either side of its first match, every word in <mark>; the masthead line when the
    issue was found by its number or date only. Two queries for any number of issues
    (the page's), none when no word is looked for in the text."""
    from bulletin.models import Section, Submission

    issues = list(issues)
    words = terms(query)
    if not issues or not words:
        return {}
    marks = _marks(words)
    # The words each issue was not found by as a number or a date: the passage shows them.
    looked_for = {
        issue.pk: [t for t in words if t.form is None or not t.form.names(issue)]
        for issue in issues
    }
    wanted = [t for t in words if any(t in ts for ts in looked_for.values())]
    # Issue → (printed order, is a heading, text) of its sections' and items' text.
    texts: dict[int, list[tuple[tuple, bool, str]]] = {issue.pk: [] for issue in issues}
    if wanted:
        in_sections, in_items = Q(), Q()
        for term in wanted:
            sections, items = _text_filters(term)
            in_sections |= sections
            in_items |= items
        pks = list(texts)
        for issue_id, position, title, body in Section.objects.filter(
            in_sections, issue_id__in=pks
        ).values_list("issue_id", "position", "title", "body"):
            texts[issue_id].append(((position, 0), True, title))
            texts[issue_id].append(((position, 1), False, _one_line(body)))
        for issue_id, position, item_position, pk, headline, body in (
            Submission.objects.accepted()
            .filter(in_items, section__issue_id__in=pks)
            .values_list(
                "section__issue_id", "section__position", "position", "pk", "headline", "body"
            )
        ):
            # As printed: the headline runs into the first paragraph.
            texts[issue_id].append(
                ((position, 2, item_position, pk), False, headline + _one_line(body))
            )
    result = {}
    for issue in issues:
        found = None
        if looked_for[issue.pk]:
            found = _passage(issue, texts[issue.pk], looked_for[issue.pk], marks)
        result[issue.pk] = found if found is not None else _marked(masthead_line(issue), marks)
    return result


def _passage(
    issue: Issue, texts: list[tuple[tuple, bool, str]], words: list[Term], marks: re.Pattern
) -> SafeString | None:
    """The printed text that holds the most of `words`, around its first one; when it
    lacks some of them, the text that holds the most of the rest too (at most
    MAX_PASSAGES excerpts). Text before headings (a title such as 优化营商环境工作开展情况
    is in every issue and says little), then in printed order: sections with their items,
    then the column and the series titles."""
    printed = [(heading, text) for _key, heading, text in sorted(texts, key=lambda t: t[0])]
    printed += [(True, issue.column_title), (True, issue.series.title)]
    candidates = [text for _heading, text in sorted(printed, key=lambda c: c[0])]  # stable
    excerpts, remaining = [], [t.pattern for t in words]
    while remaining and len(excerpts) < MAX_PASSAGES:
        best, holds = None, []
        for text in candidates:
            found = [p for p in remaining if p.search(text)]
            if len(found) > len(holds):
                best, holds = text, found
        if best is None:
            break
        first = min((p.search(best) for p in holds), key=lambda m: m.start())
        excerpts.append(_marked(_excerpt(best, first), marks))
        candidates.remove(best)
        remaining = [p for p in remaining if p not in holds]
    return mark_safe("\u3000".join(excerpts)) if excerpts else None  # each one escaped
