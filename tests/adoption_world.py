"""Worlds for the information-reporting tests (bulletin/adoption), built through the real
services: items sent, decided and issued through the workflow; the 印发日期 and the
times items were sent are then set to the days of the story (the workflow stamps "now").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from bulletin import services
from bulletin.adoption import services as adoption
from bulletin.models import Issue, Section, Series, Submission, SubmissionTransition
from departments.models import Department, Hall, User
from tests.conftest import make_user
from tests.factories import make_series

Status = Submission.Status


@dataclass
class Story:
    hall: Hall
    departments: list[Department]
    editor: User
    approver: User
    scorer: User
    clerks: dict[int, User] = field(default_factory=dict)
    items: dict[str, Submission] = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)

    def d(self, n: int) -> Department:
        """Department n, 1-based, in display order."""
        return self.departments[n - 1]

    def clerk(self, n: int) -> User:
        if n not in self.clerks:
            self.clerks[n] = make_user(f"clerk{n:02d}-{self.hall.pk}", User.Role.STAFF, self.d(n))
        return self.clerks[n]


def set_sent(item: Submission, when: datetime.datetime, nth: int = 1) -> None:
    """The item's nth sending happened at `when`."""
    sent = list(item.transitions.filter(to_status=Status.SUBMITTED).order_by("at", "pk"))
    SubmissionTransition.objects.filter(pk=sent[nth - 1].pk).update(at=when)
    if nth == len(sent):
        Submission.objects.filter(pk=item.pk).update(submitted_at=when)


def issue_on(story: Story, issue: Issue, day: datetime.date) -> Issue:
    """Through 结束征稿, review, sign-off and 印发; issued on `day`."""
    issue.refresh_from_db()
    if issue.status == Issue.Status.COLLECTING:
        services.issue_start_editing(issue=issue, by=story.editor)
    services.issue_send_to_review(issue=issue, by=story.editor)
    services.issue_approve(issue=issue, by=story.approver)
    services.issue_issue(issue=issue, by=story.editor)
    Issue.objects.filter(pk=issue.pk).update(issue_date=day)
    issue.refresh_from_db()
    return issue


def add_call(story: Story, issue: Issue, key: str, title: str, kind=Section.Kind.ITEMS) -> Section:
    section = services.section_add(issue=issue, by=story.editor, title=title, level=1, kind=kind)
    deadline = timezone.now() + datetime.timedelta(days=1)
    services.section_call(section=section, by=story.editor, deadline=deadline)
    section.refresh_from_db()
    story.sections[key] = section
    return section


def send(story: Story, key: str, section: Section, n: int, headline: str) -> Submission:
    item = services.submission_create(
        section=section, department=story.d(n), author=story.clerk(n), headline=headline,
        body=f"{headline}正文一段，说明窗口工作的做法和成效。", submit=True,
    )  # fmt: skip
    story.items[key] = item
    return item


def accept(story: Story, item: Submission, **edits) -> Submission:
    item.refresh_from_db()
    return services.submission_accept(submission=item, by=story.editor, **edits)


def return_(story: Story, item: Submission) -> Submission:
    item.refresh_from_db()
    return services.submission_return(submission=item, by=story.editor, reason="请补充数据。")


def resend(story: Story, item: Submission, n: int) -> Submission:
    item.refresh_from_db()
    services.submission_update(
        submission=item, by=story.clerk(n), headline=item.headline, version=item.version,
        body=item.body + "已补充数据。",
    )  # fmt: skip
    item.refresh_from_db()
    return services.submission_submit(submission=item, by=story.clerk(n))


def not_use(story: Story, item: Submission) -> Submission:
    item.refresh_from_db()
    return services.submission_not_use(submission=item, by=story.editor)


RULES = {
    "item_points": Decimal("2"),
    "lead_points": Decimal("3"),
    "special_points": Decimal("5"),
    "department_bonus": Decimal("5"),
    "provincial_bonus": Decimal("10"),
    "missed_penalty": Decimal("0.5"),
    "window_deduction": Decimal("2"),
    "note": "信息报送考核办法（试行）",
}


def build_october(hall: Hall | None = None, departments: int = 30) -> Story:
    """October 2023 of a hall of `departments` departments (see test_adoption.py for
    what each department did and what it earns)."""
    hall = hall or Hall.objects.default()
    suffix = "" if hall == Hall.objects.default() else hall.short_name
    made = [
        Department.objects.create(hall=hall, name=f"测试{suffix}厅{n:02d}", display_order=n * 10)
        for n in range(1, departments + 1)
    ]
    story = Story(
        hall=hall,
        departments=made,
        editor=make_user(f"editor-{hall.pk}", User.Role.EDITOR, hall=hall),
        approver=make_user(f"approver-{hall.pk}", User.Role.APPROVER, hall=hall),
        scorer=make_user(f"scorer-{hall.pk}", User.Role.SCORER, hall=hall),
    )
    weekly = make_series("窗口工作周报", hall=hall, default_send_to="省级相关部门（单位）。",
                         default_distribute_to="各部门（单位）窗口。", default_print_count=60)  # fmt: skip
    special = make_series("政务信息专报", hall=hall)
    adoption.rules_save(
        hall=hall.pk, by=story.editor, effective_from=datetime.date(2023, 1, 1), values=RULES,
        special_series=[special],
    )  # fmt: skip
    editor = story.editor

    def new(series: Series, key: str, start: datetime.date) -> Issue:
        issue = services.issue_create(
            series=series, by=editor, period_start=start,
            period_end=start + datetime.timedelta(days=4),
        )  # fmt: skip
        story.issues[key] = issue
        return issue

    # Created first, so that none copies another's outline.
    w0 = new(weekly, "W0", datetime.date(2023, 9, 18))
    w1 = new(weekly, "W1", datetime.date(2023, 10, 2))
    w2 = new(weekly, "W2", datetime.date(2023, 10, 16))
    w3 = new(weekly, "W3", datetime.date(2023, 10, 23))
    s1 = new(special, "S1", datetime.date(2023, 10, 9))

    # September: an item of department 18, given a 批示 in October.
    v1 = add_call(story, w0, "v1", "大厅工作动态")
    accept(story, send(story, "e1", v1, 18, "九月的一条。"))
    issue_on(story, w0, datetime.date(2023, 9, 26))

    # W1, issued 10 October.
    s1_ = add_call(story, w1, "s1", "大厅工作动态")
    s2_ = add_call(story, w1, "s2", "创新举措")
    add_call(story, w1, "s3", "厅（局）长进大厅", kind=Section.Kind.LEADER_VISITS)
    services.section_add(issue=w1, by=editor, title="工作要求", level=1, kind=Section.Kind.FREE)
    # the centre's own item leads 大厅工作动态: no department's item there is the lead
    Submission.objects.create(
        section=s1_, department=None, headline="省中心召开窗口首席代表会。", body="会议通报工作。",
        status=Status.ACCEPTED, position=0,
    )  # fmt: skip
    accept(story, send(story, "a1", s1_, 1, "一厅按原文采用。"))
    accept(
        story, send(story, "a2", s1_, 2, "二厅修改采用。"),
        headline="二厅修改后采用。", body="编辑改写的正文。",
    )  # fmt: skip
    a3 = return_(story, send(story, "a3", s1_, 3, "三厅退回后采用。"))
    accept(story, resend(story, a3, 3))
    not_use(story, return_(story, send(story, "a4", s1_, 4, "四厅退回不再报。")))
    not_use(story, send(story, "a5", s1_, 5, "五厅不采用。"))
    a6 = send(story, "a6", s1_, 6, "六厅撤回。")
    services.submission_withdraw(submission=a6, by=story.clerk(6))
    deadline = s1_.call_deadline
    a7 = send(story, "a7", s1_, 7, "七厅逾期报送。")
    set_sent(a7, deadline + datetime.timedelta(hours=1))
    accept(story, a7)
    a8 = return_(story, send(story, "a8", s1_, 8, "八厅按时报送，退回后逾期补报。"))
    a8 = resend(story, a8, 8)
    set_sent(a8, deadline - datetime.timedelta(hours=3), nth=1)
    set_sent(a8, deadline + datetime.timedelta(hours=2), nth=2)
    accept(story, a8)
    a9 = send(story, "a9", s1_, 9, "九厅与十厅合报。")
    adoption.joint_set(submission=a9, by=editor, departments=[story.d(10)])
    accept(story, a9)
    accept(story, send(story, "b1", s2_, 1, "一厅头条。"))
    b2 = send(story, "b2", s2_, 11, "十一、十二、十三厅合报。")
    adoption.joint_set(submission=b2, by=editor, departments=[story.d(12), story.d(13)])
    accept(story, b2)
    accept(story, send(story, "b3", s2_, 2, "二厅创新举措。"))
    issue_on(story, w1, datetime.date(2023, 10, 10))

    # W2, issued 24 October.
    t1 = add_call(story, w2, "t1", "大厅工作动态")
    accept(story, send(story, "c1", t1, 1, "一厅又一条头条。"))
    not_use(story, send(story, "c2", t1, 14, "十四厅不采用。"))
    accept(story, send(story, "c3", t1, 15, "十五厅采用。"))
    issue_on(story, w2, datetime.date(2023, 10, 24))

    # S1, the 专报, issued 20 October.
    u1 = add_call(story, s1, "u1", "专报信息")
    accept(story, send(story, "d1", u1, 2, "二厅专报。"))
    d2 = send(story, "d2", u1, 16, "十六、十七厅合报专报。")
    adoption.joint_set(submission=d2, by=editor, departments=[story.d(17)])
    accept(story, d2)
    issue_on(story, s1, datetime.date(2023, 10, 20))

    # W3 is still collecting: its items do not count yet.
    x1 = add_call(story, w3, "x1", "大厅工作动态")
    send(story, "f1", x1, 19, "十九厅已报送未印发。")

    # 批示
    today = datetime.date(2023, 12, 31)
    P, D = "provincial", "department"

    def instruct(key: str, level: str, day: datetime.date, leader: str) -> None:
        adoption.instruction_record(
            submission=story.items[key], by=editor, level=level, leader=leader, date=day,
            text="此信息很好，请推广。", today=today,
        )  # fmt: skip

    instruct("a1", P, datetime.date(2023, 10, 15), "张三副省长")
    instruct("a1", D, datetime.date(2023, 10, 16), "李四厅长")
    instruct("a1", D, datetime.date(2023, 10, 20), "王五副厅长")  # a second 厅级: no bonus
    instruct("d2", D, datetime.date(2023, 10, 25), "赵六厅长")
    instruct("e1", P, datetime.date(2023, 10, 5), "钱七副省长")  # a September item
    instruct("b2", P, datetime.date(2023, 11, 2), "孙八副省长")  # counts in November
    return story


# (department: submitted, accepted, edited, returned, not used, late, missed, 批示,
#  points, rank) for October 2023 of build_october, worked out by hand in test_adoption.py.
OCTOBER = {
    1: (3, 3, 0, 0, 0, 0, 1, 3, "22.5", 1),
    2: (3, 3, 1, 0, 0, 0, 1, 0, "8.5", 2),
    18: (0, 0, 0, 0, 0, 0, 4, 1, "8", 3),
    16: (1, 1, 0, 0, 0, 0, 3, 1, "3.5", 4),
    17: (1, 1, 0, 0, 0, 0, 3, 1, "3.5", 4),
    3: (1, 1, 0, 1, 0, 0, 3, 0, "0.5", 6),
    7: (1, 1, 0, 0, 0, 1, 3, 0, "0.5", 6),
    8: (1, 1, 0, 1, 0, 0, 3, 0, "0.5", 6),
    15: (1, 1, 0, 0, 0, 0, 3, 0, "0.5", 6),
    9: (1, 1, 0, 0, 0, 0, 3, 0, "-0.5", 10),
    10: (1, 1, 0, 0, 0, 0, 3, 0, "-0.5", 10),
    11: (1, 1, 0, 0, 0, 0, 3, 0, "-0.83", 12),
    12: (1, 1, 0, 0, 0, 0, 3, 0, "-0.83", 12),
    13: (1, 1, 0, 0, 0, 0, 3, 0, "-0.83", 12),
    4: (1, 0, 0, 1, 1, 0, 3, 0, "-1.5", 15),
    5: (1, 0, 0, 0, 1, 0, 3, 0, "-1.5", 15),
    14: (1, 0, 0, 0, 1, 0, 3, 0, "-1.5", 15),
    6: (0, 0, 0, 0, 0, 0, 4, 0, "-2", 18),
    **{n: (0, 0, 0, 0, 0, 0, 4, 0, "-2", 18) for n in range(19, 31)},
}


def add_adoption(w) -> None:
    """The information-reporting objects of the permission matrix and the CSRF table,
    beside tests/attack_world.build_world's: the rules; November 2023 published (an
    item of department A, joint with B, with a 批示, and a call nobody answered, so each
    department has a proposed deduction); December 2023 open (an item of A with a 批示);
    and, when the world has a second hall, that hall's open month."""
    from bulletin.adoption.models import AdoptionMonth, Instruction, JointCredit
    from tests.factories import make_issue, make_section

    o = w.obj
    a, b = o["department"], o["other_department"]
    hall = a.hall
    editor = w.users["editor"]
    rules = adoption.rules_save(
        hall=hall.pk, by=None, effective_from=datetime.date(2023, 1, 1), values=RULES
    )
    series = make_series("政务信息专报", hall=hall, default_send_to="省级相关部门。")

    def issued(number: int, day: datetime.date) -> Submission:
        issue = make_issue(series, year=2023, number=number, total=number,
                           status=Issue.Status.ISSUED, issue_date=day)  # fmt: skip
        deadline = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        section = make_section(issue, position=1, call_deadline=deadline)
        make_section(issue, position=2, title="创新举措", call_deadline=deadline)
        return Submission.objects.create(
            section=section, department=a, headline="交通运输厅开展业务培训。", body="正文。",
            sent_headline="交通运输厅开展业务培训。", sent_body="正文。",
            status=Status.ACCEPTED, position=1,
        )  # fmt: skip

    published_item = issued(1, datetime.date(2023, 11, 20))
    joint = JointCredit.objects.create(submission=published_item, department=b)
    published_instruction = Instruction.objects.create(
        submission=published_item, level="provincial", leader="张三副省长",
        date=datetime.date(2023, 11, 22), text="很好。",
    )  # fmt: skip
    november = adoption.month_open(hall=hall.pk, month=datetime.date(2023, 11, 1))
    adoption.month_publish(month=november, by=None, today=datetime.date(2024, 1, 10))
    november.refresh_from_db()
    open_item = issued(2, datetime.date(2023, 12, 20))
    open_joint = JointCredit.objects.create(submission=open_item, department=b)
    instruction = adoption.instruction_record(
        submission=open_item, by=editor, level="department", leader="李四厅长",
        date=datetime.date(2023, 12, 22), text="请推广。", today=datetime.date(2024, 1, 10),
    )  # fmt: skip
    december = adoption.month_open(hall=hall.pk, month=datetime.date(2023, 12, 1))
    proposal = november.proposals.get(department=a)
    o.update(
        adoption_rules=rules,
        adoption_published=november,
        adoption_open=december,
        adoption_line=november.lines.get(department=a),
        adoption_item=published_item,
        open_item=open_item,
        joint=joint,
        open_joint=open_joint,
        published_instruction=published_instruction,
        instruction=instruction,
        proposal=proposal,
        proposal_transition=proposal.transitions.get(),
        adoption_transition=november.transitions.get(),
    )
    if "city_department" in o:
        city = o["city_department"].hall
        o["city_adoption_month"] = AdoptionMonth.objects.create(
            hall=city, month=datetime.date(2023, 12, 1)
        )
