import re

from django import template
from django.utils.html import format_html

register = template.Library()

CN = "一二三四五六七八九十"
# A paragraph that opens with a numbered heading sentence: "（一）按时到岗情况。总体情况良好。"
_RUN_IN = [
    (1, re.compile(rf"^([{CN}]{{1,3}}、[^。！？]{{1,40}}[。！？])(.+)$")),
    (2, re.compile(rf"^(（[{CN}]{{1,3}}）[^。！？]{{1,40}}[。！？])(.+)$")),
]
# Characters a line of the masthead meta line holds at 三号 (16 pt) across 156 mm,
# counting a half for digits and Latin letters, and keeping two characters of gap.
META_LINE_EMS = 28 - 2


def split_run_in(text: str) -> tuple[int, str, str] | None:
    """(level, heading, rest) when a body paragraph opens with a numbered heading
    sentence, else None. The PDF and the Word file (printing/docx.py) both ask this."""
    for level, pattern in _RUN_IN:
        m = pattern.match(text)
        if m:
            return level, m.group(1), m.group(2)
    return None


@register.simple_tag
def bulletin_paragraph(text: str):
    """A body paragraph; a run-in heading at its start gets its heading face."""
    run_in = split_run_in(text)
    if run_in:
        return format_html(
            '<p class="run-in"><span class="heading level-{}">{}</span>{}</p>', *run_in
        )
    return format_html("<p>{}</p>", text)


def _ems(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


@register.filter
def masthead_meta_is_long(issue) -> bool:
    """Issuing body and date do not fit on one 三号 line: print them at 四号."""
    return _ems(issue.series.issuing_body) + _ems(issue.issue_date_label) > META_LINE_EMS
