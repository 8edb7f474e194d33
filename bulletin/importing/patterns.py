"""The fixed lines of the genre: masthead lines, 附件 notes and pages, the 版记."""

import re

from bulletin.models import Section

# 2023年第38期（总第458期）, 第5期, 2024年 第12期 总第312期: 总第 is optional.
ISSUE_LINE = re.compile(r"^(?:(\d{4})年)?第(\d+)期(?:[（(]?总第(\d+)期[）)]?)?$")
DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
DATE_LINE = re.compile(rf"^{DATE}$")
# "…中心编　2024年4月12日": the issuing body and the 印发日期 on one line.
BODY_AND_DATE = re.compile(rf"^(.+?)(?:编印|主办|编)?{DATE}$")
_DAY = r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
PERIOD_LINE = re.compile(rf"^[（(]?{_DAY}(?:[—–\-~～至到]+){_DAY}[）)]?$")
# 内部资料 注意保存: printed above the title of many bulletins, not part of the issue.
CLASSIFICATION = re.compile(
    r"^[（(【]?(?:内部资料|内部刊物|内部参阅|注意保存|内部资料注意保存)[）)】]?$"
)

EDITOR_NOTE = re.compile(r"^[【\[]?\s*编者按\s*[】\]]?\s*[：:]?\s*(.*)$")

# 报/送/发 and the forms other centres print them in.
DISTRIBUTION = re.compile(r"^(报|送|发|抄报|呈报|抄送|分送|主送|分发|下发)\s*[：:]\s*(.*)$")
DISTRIBUTION_FIELD = {
    "报": "report_to",
    "抄报": "report_to",
    "呈报": "report_to",
    "主送": "report_to",
    "送": "send_to",
    "抄送": "send_to",
    "分送": "send_to",
    "发": "distribute_to",
    "分发": "distribute_to",
    "下发": "distribute_to",
}
PRINT_COUNT = re.compile(r"^[（(]?\s*(?:共印|印数[：:]?|印)\s*(\d+)\s*份\s*[）)]?$")
# The 版记's other lines: who compiled and printed it, and when ("…综合处 2024年4月12日印发").
IMPRINT = re.compile(
    r"^(?:(?:编印单位|编印|主办|承办|编辑|责任编辑|审核|签发|校对|联系人|联系电话|电话)\s*[：:]"
    r"|.{0,60}印发\s*$)"
)
IMPRINT_DATE = re.compile(rf"{DATE}\s*印发\s*$")

ATTACHMENT_NOTE = re.compile(r"^附\s*件?\s*[：:]\s*(.+)$")
ATTACHMENT_PAGE = re.compile(r"^附\s*件\s*(\d*)$")
NOTE_NUMBER = re.compile(r"^(\d{1,2})[.．、]\s*")

KIND_KEYWORDS = [
    (Section.Kind.LEADER_VISITS, re.compile(r"长进大厅|领导进大厅|局长进|厅长进")),
    (Section.Kind.INSPECTION, re.compile(r"巡查|督查|检查情况")),
    (Section.Kind.STATISTICS, re.compile(r"办件|受理办理|统计|数据")),
    (Section.Kind.NEWS, re.compile(r"资讯|新闻|要闻")),
    (Section.Kind.ITEMS, re.compile(r"动态|报送|信息")),
]
# Sections whose numbered paragraphs are prose generated from records, kept as written.
PROSE_KINDS = {
    Section.Kind.LEADER_VISITS,
    Section.Kind.INSPECTION,
    Section.Kind.STATISTICS,
    Section.Kind.NEWS,
}


def kind_for(title: str, parent_kind: str | None) -> str:
    for kind, pattern in KIND_KEYWORDS:
        if pattern.search(title):
            return kind
    if parent_kind in (Section.Kind.ITEMS, *PROSE_KINDS):
        return parent_kind
    return Section.Kind.FREE
