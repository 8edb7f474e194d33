"""What a search for an issue's number or period means, as a Q on Issue.

People type an issue the way the masthead prints it: 38, 第38期, 2023年第38期, 总第458期,
2023年第38期（总第458期）; and a period as 9月25日, 2023年9月25日, 2023-09-25,
9月25日—9月28日 or 2023年9月. Anything else is left to the full-text search.
"""

import datetime
import re
import unicodedata

from django.db.models import Q

NUMBER = re.compile(
    r"(?:(?P<year>\d{4})年)?(?:第(?P<number>\d{1,4})期)?"
    r"(?:[（(]?总第(?P<total>\d{1,6})期[）)]?)?"
)
DATE = re.compile(r"(?P<y>\d{4})(?:年|[-/.])(?P<m>\d{1,2})(?:月|[-/.])(?P<d>\d{1,2})日?")
MONTH_DAY = re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日?")
RANGE = re.compile(r"[（(]?(\d{1,2})月(\d{1,2})日[—–\-~至到]+(\d{1,2})月(\d{1,2})日[）)]?")
YEAR_MONTH = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月")


def normalize_query(text: str) -> str:
    """Full-width digits and brackets as half-width, no spaces: 2023 年第 ３８ 期 → 2023年第38期."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


def number_q(text: str) -> Q | None:
    """The issues a number form names, or None when `text` is not one."""
    text = normalize_query(text)
    if text.isdigit():
        n = int(text)
        return Q(number=n) | Q(total_number=n) | Q(year=n)
    m = NUMBER.fullmatch(text)
    if not m or not any(m.groups()):
        if re.fullmatch(r"\d{4}年", text):
            return Q(year=int(text[:4]))
        return None
    q = Q()
    for field, group in (("year", "year"), ("number", "number"), ("total_number", "total")):
        if m[group]:
            q &= Q(**{field: int(m[group])})
    return q


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


def period_q(text: str) -> Q | None:
    """The issues whose period a date form names or falls into, or None."""
    text = normalize_query(text)
    if m := RANGE.fullmatch(text):
        m1, d1, m2, d2 = (int(g) for g in m.groups())
        return Q(
            period_start__month=m1, period_start__day=d1, period_end__month=m2, period_end__day=d2
        )
    if m := DATE.fullmatch(text):
        try:
            day = datetime.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
        return Q(period_start__lte=day, period_end__gte=day)
    if m := MONTH_DAY.fullmatch(text):
        month, day = int(m["m"]), int(m["d"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _covers(month, day)
    if m := YEAR_MONTH.fullmatch(text):
        year, month = int(m["y"]), int(m["m"])
        return Q(period_start__year=year, period_start__month=month) | Q(
            period_end__year=year, period_end__month=month
        )
    return None
