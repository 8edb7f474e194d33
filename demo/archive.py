"""A generated archive of issued bulletins: years of weekly issues to search and page through.

The text is composed from phrase pools (places, reforms, measures, figures), so a search
for 不动产 or 营商环境 finds some issues and not others, as it would in a real archive.
Everything comes from one `random.Random(seed)`: the same seed and day give the same
archive. Rows are written with `bulk_create`, a year at a time; no PDF is rendered (an
issued issue without a stored PDF renders and stores it on its first download).
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max

from bulletin.models import Issue, Section, Series, Submission
from demo import data as demo
from departments.models import Department, Hall, User, default_hall

# The hall's 29 departments of the demo, plus one more stationed there: 30 windows.
EXTRA_DEPARTMENTS = [("省医保局", "")]

ISSUING_BODY = "四川省政府政务服务和公共资源交易服务中心"
BATCH = 1000

PLACES = ["成都市", "自贡市", "攀枝花市", "泸州市", "德阳市", "绵阳市", "广元市", "遂宁市",
          "内江市", "乐山市", "南充市", "眉山市", "宜宾市", "广安市", "达州市", "雅安市",
          "巴中市", "资阳市", "阿坝州", "甘孜州", "凉山州", "天府新区", "成都高新区"]  # fmt: skip
# The centre's own themes: each issue has a few of them, so a theme's name finds the
# issues of the weeks it was worked on and not the whole archive.
THEMES = ["营商环境", "一网通办", "综合窗口", "电子证照", "帮办代办", "跨省通办", "园区集成授权",
          "工程建设项目审批", "企业开办", "告知承诺制", "容缺受理", "好差评", "一件事一次办",
          "证明事项清理", "政务服务标准化", "惠企政策兑现", "川渝通办", "数据共享", "电子印章",
          "审批服务便民化", "首席事务代表制", "延时错时服务", "无差别受理", "信用承诺",
          "免证办", "掌上办", "智能导办", "自助终端", "适老化服务", "政务服务地图",
          "高效办成一件事", "投资项目在线审批", "中介服务超市", "双随机一公开", "秒批秒办",
          "全程网办", "预约服务", "周末不打烊", "首违不罚", "区域通办"]  # fmt: skip
# What each department's window handles: its items are mostly about these.
DEPARTMENT_TOPICS = {
    "省发展改革委": ["固定资产投资项目核准", "节能审查", "重大项目审批"],
    "教育厅": ["教师资格认定", "民办学校审批", "学历认证"],
    "科技厅": ["高新技术企业认定", "科技成果登记", "外国人来华工作许可"],
    "经济和信息化厅": ["减轻企业负担", "专精特新企业认定", "民爆物品许可"],
    "公安厅": ["出入境证件办理", "户籍迁移", "机动车登记", "保安服务许可"],
    "民政厅": ["社会组织登记", "养老机构备案", "婚姻登记"],
    "司法厅": ["律师执业许可", "公证服务", "法律援助"],
    "自然资源厅": ["不动产登记", "建设用地审批", "采矿权登记", "测绘资质"],
    "生态环境厅": ["环境影响评价", "排污许可", "入河排污口设置审核"],
    "住房城乡建设厅": ["建筑业企业资质", "施工许可", "竣工联合验收"],
    "交通运输厅": ["道路运输许可", "超限运输许可", "船员证书办理"],
    "水利厅": ["取水许可", "水土保持方案审批", "洪水影响评价"],
    "农业农村厅": ["农药经营许可", "种子生产经营许可", "兽药经营许可"],
    "商务厅": ["对外贸易经营者备案", "外商投资企业设立", "成品油经营许可"],
    "文化和旅游厅": ["旅行社业务经营许可", "演出经纪机构许可", "文物保护工程审批"],
    "省卫生健康委": ["医疗机构执业登记", "医师执业注册", "放射诊疗许可"],
    "应急管理厅": ["危险化学品许可", "安全生产许可", "烟花爆竹经营许可"],
    "省市场监管局": ["企业登记注册", "食品生产许可", "特种设备许可", "计量器具许可"],
    "省广电局": ["广播电视节目制作许可", "卫星地面接收设施许可"],
    "省新闻出版局（省版权局、省电影局）": ["出版物经营许可", "电影放映许可", "作品著作权登记"],
    "省林草局": ["林草行政许可", "占用林地审核", "野生动物驯养繁殖许可"],
    "省药监局": ["药品经营许可", "医疗器械注册", "化妆品备案"],
    "省贸促会": ["原产地证书签发", "商事认证", "ATA单证册"],
    "成都海关": ["报关单位备案", "进出口货物通关", "检验检疫证书"],
    "四川省税务局": ["发票申领", "出口退税", "税务登记"],
    "四川气象局": ["防雷装置设计审核", "升放气球资质", "气象信息服务备案"],
    "四川地震局": ["地震安全性评价", "抗震设防要求确定"],
    "四川测绘局": ["测绘成果提供", "地图审核", "基础测绘成果使用"],
    "四川消防救援总队": ["公众聚集场所消防安全检查", "消防设计审查", "消防产品监督"],
    "省医保局": ["医保异地结算", "医保定点机构申请", "医疗保障待遇核定"],
}
# A city hall's stationed bureaus (the name follows the city's, e.g. 绵阳市水利局), with
# what their windows handle.
CITY_DEPARTMENTS = [
    ("发展改革委", ["固定资产投资项目备案", "节能审查"]),
    ("教育局", ["教师资格认定", "民办学校审批"]),
    ("经济和信息化局", ["专精特新企业认定", "减轻企业负担"]),
    ("公安局", ["户籍迁移", "机动车登记", "出入境证件办理"]),
    ("民政局", ["社会组织登记", "婚姻登记"]),
    ("司法局", ["公证服务", "法律援助"]),
    ("人力资源社会保障局", ["社保卡办理", "就业登记"]),
    ("自然资源和规划局", ["不动产登记", "建设用地审批"]),
    ("生态环境局", ["环境影响评价", "排污许可"]),
    ("住房城乡建设局", ["施工许可", "竣工联合验收"]),
    ("交通运输局", ["道路运输许可", "出租汽车驾驶员从业资格"]),
    ("水利局", ["取水许可", "水土保持方案审批"]),
    ("农业农村局", ["农药经营许可", "兽药经营许可"]),
    ("商务局", ["对外贸易经营者备案", "成品油经营许可"]),
    ("文化广电旅游局", ["旅行社业务经营许可", "娱乐场所经营许可"]),
    ("卫生健康委", ["医疗机构执业登记", "医师执业注册"]),
    ("应急管理局", ["安全生产许可", "烟花爆竹经营许可"]),
    ("市场监管局", ["企业登记注册", "食品经营许可"]),
    ("医保局", ["医保异地结算", "医保定点机构申请"]),
    ("税务局", ["发票申领", "税务登记"]),
    ("住房公积金管理中心", ["公积金提取", "公积金贷款"]),
    ("消防救援支队", ["公众聚集场所消防安全检查", "消防设计审查"]),
]
# The province's 21 cities and prefectures, each with its own hall (--halls up to 22).
CITIES = PLACES[:21]
MAX_HALLS = len(CITIES) + 1

DOCUMENTS = ["工作指引", "办事指南", "实施方案", "管理办法（试行）", "政策汇编", "服务清单",
             "操作规程", "受理工作手册", "指导意见", "考核细则"]  # fmt: skip
MEETINGS = ["专题推进会", "业务培训会", "工作座谈会", "视频调度会", "经验交流会", "政策宣讲会"]
AUDIENCES = ["市（州）政务服务中心", "园区政务服务中心", "重点企业", "窗口工作人员", "办事群众",
             "行业协会", "县（市、区）审批局", "相关处室"]  # fmt: skip
OUTCOMES = ["有效缩短了办理时限", "进一步提升了群众满意度", "切实减轻了企业负担",
            "实现了“最多跑一次”", "推动了审批提速增效", "打通了服务群众“最后一公里”",
            "获得了办事企业一致好评", "为优化营商环境提供了有力支撑",
            "形成了可复制可推广的经验", "夯实了窗口规范化建设基础"]  # fmt: skip
MEASURES = ["精简申请材料", "压缩审批环节", "推行网上预审", "实行并联审批", "开设绿色通道",
            "提供上门服务", "推行电子化归档", "建立首问负责制", "开展一对一辅导",
            "推动数据共享复用", "实施清单化管理", "落实限时办结"]  # fmt: skip
LEADERS = ["王华", "罗毅", "李明", "张建国", "陈静", "刘洋", "杨帆", "赵雪梅", "黄勤", "周涛",
           "吴敏", "徐立新", "孙丽", "马骏", "胡晓东", "郭红", "何平", "林峰"]  # fmt: skip
LEADER_TITLES = ["党组成员、副厅长", "二级巡视员", "一级巡视员", "副局长", "党组成员、副主任",
                 "总工程师"]  # fmt: skip
NEWS = ["全省政务服务“三化”建设推进会", "全国政务服务工作交流研讨会",
        "全省优化营商环境工作会议", "川渝政务服务协同发展联席会议",
        "全省一体化政务服务平台建设培训会", "全省政务服务效能提升现场会"]  # fmt: skip
CHECKS = ["按时到岗情况。", "工作区域标准化执行情况。", "着装情况。", "工作牌佩戴情况。",
          "纪律秩序。", "大厅秩序情况。"]  # fmt: skip


@dataclass
class Outline:
    """A section of the generated issues: level, title, kind, and how many items."""

    level: int
    title: str
    kind: str
    items: tuple[int, int] = (0, 0)
    item_style: str = Section.ItemStyle.ARABIC


OUTLINE = [
    Outline(1, "综窗改革攻坚行动", Section.Kind.FREE),
    Outline(2, "省本级综窗办件情况", Section.Kind.STATISTICS),
    Outline(2, "其它工作开展情况", Section.Kind.FREE),
    Outline(1, "窗口工作动态", Section.Kind.ITEMS),
    Outline(2, "优化营商环境工作开展情况", Section.Kind.ITEMS, (9, 13), Section.ItemStyle.PAREN),
    Outline(2, "窗口服务效能提升工作情况", Section.Kind.ITEMS, (9, 13), Section.ItemStyle.PAREN),
    Outline(2, "改革创新举措", Section.Kind.ITEMS, (5, 8), Section.ItemStyle.PAREN),
    Outline(1, "厅（局）长进大厅", Section.Kind.LEADER_VISITS),
    Outline(1, "大厅巡查情况", Section.Kind.INSPECTION),
    *[Outline(2, check, Section.Kind.INSPECTION) for check in CHECKS],
    Outline(1, "政务资讯", Section.Kind.NEWS, (2, 3)),
]


class ArchiveRefused(Exception):
    """The archive's years already hold issues of the series."""


@dataclass
class Week:
    year: int
    number: int
    total: int
    start: datetime.date
    end: datetime.date
    issued: datetime.date


def archive_weeks(
    *, series: Series, first_year: int, today: datetime.date, rng: random.Random
) -> list[Week]:
    """One issue per working week (Monday to Friday) from `first_year` to today's year.

    No issue covers the New Year and the National Day holiday weeks, and none is issued
    later than today. Numbers continue as `next_issue_numbers` would give them.
    """
    last_total = series.issues.aggregate(m=Max("total_number"))["m"]
    total = last_total if last_total is not None else series.opening_total_number - 1
    weeks = []
    for year in range(first_year, today.year + 1):
        number = series.opening_year_number - 1 if year == series.opening_year else 0
        monday = datetime.date(year, 1, 1)
        monday += datetime.timedelta(days=(7 - monday.weekday()) % 7)
        while monday.year == year:
            friday = monday + datetime.timedelta(days=4)
            holiday = monday.day <= 7 and monday.month == 1
            holiday |= monday <= datetime.date(year, 10, 3) <= friday
            issued = friday + datetime.timedelta(days=rng.choice([3, 4, 4, 5, 6]))
            if not holiday and issued <= today:
                number += 1
                total += 1
                weeks.append(Week(year, number, total, monday, friday, issued))
            monday += datetime.timedelta(days=7)
    return weeks


class Writer:
    """Composes the text of one archive from a seeded random generator."""

    def __init__(
        self,
        rng: random.Random,
        departments: list[Department],
        *,
        topics: dict[str, list[str]] | None = None,
        hall_name: str = "省政务服务大厅",
        centre: str = "省中心",
    ):
        self.rng = rng
        self.departments = departments
        self.topics = DEPARTMENT_TOPICS if topics is None else topics
        self.hall_name = hall_name
        self.centre = centre
        self.themes: list[str] = []

    def pick(self, pool: list[str]) -> str:
        return self.rng.choice(pool)

    def new_issue(self) -> None:
        """Each week the centre pushes a few themes; items mostly follow them."""
        self.themes = self.rng.sample(THEMES, 3)

    def topic(self, department: Department | None = None) -> str:
        own = self.topics.get(department.name) if department else None
        if own and self.rng.random() < 0.6:
            return self.pick(own)
        return self.pick(self.themes)

    def day(self, week: Week) -> str:
        d = week.start + datetime.timedelta(days=self.rng.randrange(5))
        return f"{d.month}月{d.day}日"

    def sentence(self, name: str, topic: str, week: Week) -> str:
        r, place = self.rng.randint, self.pick(PLACES)
        forms: list[Callable[[], str]] = [
            lambda: (
                f"{self.day(week)}，{name}组织召开{topic}{self.pick(MEETINGS)}，"
                f"{self.pick(AUDIENCES)}等{r(20, 300)}人参加"
            ),
            lambda: f"{name}印发《{topic}{self.pick(DOCUMENTS)}》，明确{r(3, 30)}项重点任务",
            lambda: f"{name}窗口赴{place}调研{topic}工作，听取{self.pick(AUDIENCES)}的意见和建议",
            lambda: (
                f"围绕{topic}，{name}{self.pick(MEASURES)}、{self.pick(MEASURES)}，"
                f"{self.pick(OUTCOMES)}"
            ),
            lambda: f"本周{name}窗口共受理{topic}事项{r(12, 900)}件，办结率{r(90, 100)}%",
            lambda: f"{name}联合{place}开展{topic}专项检查，督促整改问题{r(1, 20)}个",
            lambda: (
                f"{name}将{topic}办理时限由{(n := r(10, 30))}个工作日压缩至"
                f"{r(1, n - 5)}个工作日，{self.pick(OUTCOMES)}"
            ),
        ]
        return self.rng.choice(forms)()

    def item(self, department: Department, week: Week) -> tuple[str, str]:
        name = department.short_name or department.name
        topic = self.topic(department)
        headline = self.rng.choice(
            [
                f"{name}扎实推进{topic}工作。",
                f"{name}多措并举提升{topic}服务质效。",
                f"{name}深化{topic}改革。",
                f"{name}{self.pick(MEASURES)}，{topic}{self.pick(OUTCOMES)}。",
            ]
        )
        paragraphs = []
        for _ in range(self.rng.randint(1, 2)):
            sentences = [
                self.sentence(name, self.rng.choice([topic, topic, self.topic(department)]), week)
                for _ in range(self.rng.randint(2, 4))
            ]
            paragraphs.append("；".join(sentences) + "。")
        return headline, "\n".join(paragraphs)

    def statistics(self, week: Week) -> str:
        r = self.rng.randint
        return (
            f"本周，共计咨询{r(800, 3000)}人次、受理{r(200, 900)}件、颁发{r(500, 3000)}件、"
            f"流转{r(2000, 9000)}件；今年以来，累计咨询{r(2000, 3000) * week.number}人次、"
            f"受理{r(300, 700) * week.number}件。"
        )

    def centre_work(self, week: Week) -> str:
        return (
            f"收集{self.topic()}典型经验案例，{self.pick(self.departments).name}、"
            f"{self.pick(self.departments).name}等省直部门相关经验案例报省政府办公厅。"
            f"{self.day(week)}，{self.centre}召开{self.pick(MEETINGS)}，研究部署{self.themes[0]}"
            f"和{self.themes[1]}工作。"
        )

    def leader_visits(self) -> str:
        visits = [
            f"{self.pick(self.departments).name}{self.pick(LEADER_TITLES)}{self.pick(LEADERS)}"
            for _ in range(self.rng.randint(1, 4))
        ]
        return f"本周，{'，'.join(visits)}，分别到{self.hall_name}窗口调研值守。"

    def inspection(self) -> str:
        if self.rng.random() < 0.85:
            return "总体情况良好。"
        return (
            f"{self.pick(self.departments).name}窗口存在{self.rng.randint(1, 3)}人次"
            f"{self.pick(['迟到', '离岗', '未规范着装'])}现象，已当场提醒。"
        )

    def news(self, week: Week) -> tuple[str, str]:
        return (
            f"{self.day(week)}，{self.pick(NEWS)}在{self.pick(PLACES)}召开。",
            f"会议强调，要持续推进{self.topic()}和{self.topic()}，{self.pick(MEASURES)}，"
            f"{self.pick(OUTCOMES)}。{self.centre}参会并作交流发言。",
        )


def refresh_statistics() -> None:
    """Planner statistics after a bulk load, so the issue list's queries use the indexes.

    SQLite without statistics drives the department filter from all of a department's
    items for every issue. On PostgreSQL, VACUUM also merges the trigram indexes'
    pending lists (until then the planner prices those indexes far too high and reads
    every item instead); VACUUM cannot run inside a transaction.
    """
    tables = [model._meta.db_table for model in (Issue, Section, Submission)]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql" and not connection.in_atomic_block:
            for table in tables:
                cursor.execute(f'VACUUM ANALYZE "{table}"')


def archive_departments(hall: Hall | None = None) -> list[Department]:
    """The hall's departments, the ones already there reused and any missing created:
    the default hall's 30 (the demo's 29 and one more), a city hall's bureaus named
    after its short name (绵阳市水利局)."""
    hall = hall or Hall.objects.default()
    if hall.pk == default_hall():
        wanted = [*demo.DEPARTMENTS, *EXTRA_DEPARTMENTS]
    else:
        wanted = [(f"{hall.short_name}{name}", name) for name, _topics in CITY_DEPARTMENTS]
    in_hall = Department.objects.in_hall(hall)
    names = [n for n, _ in wanted]
    existing = set(in_hall.filter(name__in=names).values_list("name", flat=True))
    order = in_hall.next_display_order()
    missing = []
    for name, short in wanted:
        if name not in existing:
            missing.append(Department(hall=hall, name=name, short_name=short, display_order=order))
            order += 10
    Department.objects.bulk_create(missing)
    return list(in_hall.filter(name__in=names))


def _writer(rng: random.Random, hall: Hall, departments: list[Department]) -> Writer:
    """The default hall's centre writes as the province's; a city hall's as its own."""
    if hall.pk == default_hall():
        return Writer(rng, departments)
    topics = {f"{hall.short_name}{name}": pool for name, pool in CITY_DEPARTMENTS}
    return Writer(rng, departments, topics=topics, hall_name=hall.name, centre="市中心")


def province_halls(count: int) -> list[Hall]:
    """A province of `count` halls: the default (provincial) hall and count - 1 city
    halls (成都市政务服务大厅, …), created when missing. A city hall's short name is its
    city's, so the bulletins of its centre import into it."""
    if not 1 <= count <= MAX_HALLS:
        raise ArchiveRefused(f"a province here has 1 to {MAX_HALLS} halls, not {count}")
    province = Hall.objects.default()
    halls = [province]
    for n, city in enumerate(CITIES[: count - 1], start=1):
        hall, _created = Hall.objects.get_or_create(
            name=f"{city}政务服务大厅",
            defaults={"short_name": city, "display_order": province.display_order + n},
        )
        halls.append(hall)
    return halls


def hall_series(hall: Hall, title: str) -> Series:
    """The hall's series of that title, issued by the hall's centre (created if missing)."""
    body = (
        ISSUING_BODY
        if hall.pk == default_hall()
        else f"{hall.short_name}政务服务和公共资源交易服务中心"
    )
    series, _created = Series.objects.get_or_create(
        hall=hall, title=title, defaults={"issuing_body": body}
    )
    return series


HALL_ROLES = (User.Role.EDITOR, User.Role.APPROVER, User.Role.SCORER, User.Role.STAFF)


def hall_users(hall: Hall, number: int) -> list[User]:
    """An editor, an approver, a scorer and a clerk of the hall's first department
    (hall01-editor, …, hall01-staff), without a usable password: for load tests and
    benches, which log in without one."""
    department = Department.objects.in_hall(hall).order_by("display_order", "pk").first()
    users = []
    for role in HALL_ROLES:
        username = f"hall{number:02d}-{role}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, hall=hall)
            if role == User.Role.STAFF:
                user.department = department
            user.set_unusable_password()
            user.save()
        users.append(user)
    return users


def generate_archive(
    *,
    series: Series,
    years: int,
    seed: int = 0,
    today: datetime.date | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> dict[str, int]:
    """Issued weekly issues of `series` for the last `years` years, up to `today`.

    Refuses when the series already holds issues in those years (or later): issued
    bulletins are never deleted, so an archive goes into a fresh database or another
    series. Returns the counts created.
    """
    today = today or datetime.date.today()
    first_year = today.year - years + 1
    rng = random.Random(seed)
    counts = {"issues": 0, "sections": 0, "items": 0}
    with transaction.atomic():
        series = Series.objects.select_for_update().get(pk=series.pk)
        clashing = series.issues.filter(year__gte=first_year)
        if clashing.exists():
            labels = [i.number_label for i in clashing.order_by("year", "number")[:4]]
            more = " …" if len(labels) > 3 else ""
            raise ArchiveRefused(
                f"{series.title} already holds {clashing.count()} issue(s) from {first_year} "
                f"on ({'、'.join(labels[:3])}{more}); an issued bulletin is never deleted: "
                "generate the archive into a fresh database or another series (--series)"
            )
        departments = archive_departments(series.hall)
        writer = _writer(rng, series.hall, departments)
        weeks = archive_weeks(series=series, first_year=first_year, today=today, rng=rng)
        for year in range(first_year, today.year + 1):
            year_weeks = [w for w in weeks if w.year == year]
            created = _write_year(series, year_weeks, writer)
            for key, n in created.items():
                counts[key] += n
            if progress:
                progress(year, created["issues"], created["items"])
    return counts


def _write_year(series: Series, weeks: list[Week], writer: Writer) -> dict[str, int]:
    rng, departments = writer.rng, writer.departments
    issues = Issue.objects.bulk_create(
        [
            Issue(
                series=series,
                year=w.year,
                number=w.number,
                total_number=w.total,
                period_start=w.start,
                period_end=w.end,
                issue_date=w.issued,
                column_title="政务服务工作" if w.year < 2023 else "",
                send_to=series.default_send_to,
                report_to=series.default_report_to,
                distribute_to=series.default_distribute_to,
                print_count=series.default_print_count,
                status=Issue.Status.ISSUED,
            )
            for w in weeks
        ],
        batch_size=BATCH,
    )
    sections, items = [], []
    for issue, week in zip(issues, weeks, strict=True):
        writer.new_issue()
        submitted = datetime.datetime.combine(week.end, datetime.time(16), tzinfo=datetime.UTC)
        for position, part in enumerate(OUTLINE, start=1):
            body = ""
            if part.kind == Section.Kind.STATISTICS:
                body = writer.statistics(week)
            elif part.title == "其它工作开展情况":
                body = writer.centre_work(week)
            elif part.kind == Section.Kind.LEADER_VISITS:
                body = writer.leader_visits()
            elif part.kind == Section.Kind.INSPECTION and part.level == 2:
                body = writer.inspection()
            section = Section(
                issue=issue,
                position=position,
                level=part.level,
                title=part.title,
                kind=part.kind,
                body=body,
                generated_body=body if part.kind != Section.Kind.FREE else "",
                item_style=part.item_style,
            )
            sections.append(section)
            count = rng.randint(*part.items) if part.items[1] else 0
            for n in range(1, count + 1):
                department = None if part.kind == Section.Kind.NEWS else rng.choice(departments)
                headline, body = writer.item(department, week) if department else writer.news(week)
                # The section has no pk yet: bulk_create below gives it one, and
                # Submission's bulk_create then takes section_id from it.
                items.append(
                    Submission(
                        section=section,
                        department=department,
                        position=n,
                        headline=headline,
                        body=body,
                        sent_headline=headline,
                        sent_body=body,
                        status=Submission.Status.ACCEPTED,
                        submitted_at=submitted if department else None,
                    )
                )
    Section.objects.bulk_create(sections, batch_size=BATCH)
    Submission.objects.bulk_create(items, batch_size=BATCH)
    return {"issues": len(issues), "sections": len(sections), "items": len(items)}
