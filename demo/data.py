"""Demo data that goes with the two real issues in this folder."""

import datetime
from decimal import Decimal

# The 29 departments of the 2023 score table in the official order: provincial
# government departments first, then the bodies directly under the provincial
# government, then the centrally administered bodies stationed in Sichuan.
DEPARTMENTS = [
    ("省发展改革委", "发展改革委"),
    ("教育厅", ""),
    ("科技厅", ""),
    ("经济和信息化厅", "经信厅"),
    ("公安厅", ""),
    ("民政厅", ""),
    ("司法厅", ""),
    ("自然资源厅", ""),
    ("生态环境厅", ""),
    ("住房城乡建设厅", "住建厅"),
    ("交通运输厅", ""),
    ("水利厅", ""),
    ("农业农村厅", ""),
    ("商务厅", ""),
    ("文化和旅游厅", "文旅厅"),
    ("省卫生健康委", "省卫健委"),
    ("应急管理厅", "应急厅"),
    ("省市场监管局", ""),
    ("省广电局", ""),
    ("省新闻出版局（省版权局、省电影局）", "省新闻出版局"),
    ("省林草局", ""),
    ("省药监局", ""),
    ("省贸促会", ""),
    ("成都海关", ""),
    ("四川省税务局", "省税务局"),
    ("四川气象局", "省气象局"),
    ("四川地震局", "省地震局"),
    ("四川测绘局", "省测绘局"),
    ("四川消防救援总队", "消防救援总队"),
]

SEED_FILES = ["2022-39.txt", "2023-38.txt"]

# (series title, year, number) -> visits reported in that issue
LEADER_VISITS = {
    ("窗口工作周报", 2022, 39): [
        (
            datetime.date(2022, 11, 16),
            "应急管理厅",
            "雷治严",
            "二级巡视员",
            "到应急厅驻省政务服务大厅窗口调研值守，接待办事群众，查阅行政许可网络申请件，"
            "听取安全生产领域“放管服”改革和“一网通办”工作推进情况汇报。",
        ),
        (
            datetime.date(2022, 11, 17),
            "省卫生健康委",
            "黄勤",
            "二级巡视员",
            "到窗口调研值守，接待办事群众并耐心解答。",
        ),
    ],
    ("窗口工作周报", 2023, 38): [
        (
            datetime.date(2023, 9, 25),
            "省广电局",
            "黎万恒",
            "党组成员、一级巡视员",
            "到省政务服务大厅窗口调研值守。",
        ),
        (
            datetime.date(2023, 9, 25),
            "水利厅",
            "王华",
            "党组成员、副厅长",
            "到省政务服务大厅窗口调研值守。",
        ),
        (
            datetime.date(2023, 9, 26),
            "公安厅",
            "罗毅",
            "二级巡视员",
            "到省政务服务大厅窗口调研值守。",
        ),
        (
            datetime.date(2023, 9, 27),
            "生态环境厅",
            "茆爽",
            "二级巡视员",
            "到省政务服务大厅窗口调研值守。",
        ),
    ],
}

# The hall inspection checklist of 窗口工作周报: the points 2022年第39期 reports on.
INSPECTION_CHECKLIST = [
    "按时到岗情况",
    "工作区域标准化执行情况",
    "着装情况",
    "工作牌佩戴情况",
    "纪律秩序",
    "大厅防控情况",
]

DEMO_PASSWORD = "jianbao-demo"

# username, role, department name (or None), full name, superuser
DEMO_USERS = [
    ("admin", "editor", None, "系统管理员", True),
    ("editor", "editor", None, "李敏", False),
    ("approver", "approver", None, "王强", False),
    ("scorer", "scorer", None, "赵丽", False),
    ("clerk", "staff", "交通运输厅", "张伟", False),
    ("clerk2", "staff", "水利厅", "刘洋", False),
]

RECIPIENT_GROUP = "省级相关部门（单位）窗口"

SCORE_ENTRIES = [
    ("交通运输厅", "2", "群众来信表扬窗口服务"),
    ("水利厅", "-1", "大厅巡查：1人迟到"),
]

# 信息报送考核 (DESIGN.md section 6): points per item used by where, 批示 bonuses, and
# 每少报一次扣2分 proposed to the window assessment.
REPORTING_RULES = {
    "item_points": Decimal("2"),
    "lead_points": Decimal("3"),
    "special_points": Decimal("5"),
    "department_bonus": Decimal("5"),
    "provincial_bonus": Decimal("10"),
    "missed_penalty": Decimal("0"),
    "window_deduction": Decimal("2"),
}
REPORTING_RULES_NOTE = "省政务服务大厅信息报送考核办法（演示）"
