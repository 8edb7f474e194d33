"""Dates the Chinese way: 2026年12月4日, 15:38 (FORMAT_MODULE_PATH in settings).

Django's own zh_Hans module puts "%Y/%m/%d" first among the input formats, which is what
a form renders a date with unless its widget says otherwise, and browsers' date inputs
refuse it; its "%Y年%n月%j日" reads a newline and a day of the year. ISO comes first here,
and the widgets of lib/forms.py render ISO whatever this says.
"""

DATE_FORMAT = "Y年n月j日"  # 2026年12月4日
TIME_FORMAT = "H:i"  # 15:38
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年12月4日 15:38
YEAR_MONTH_FORMAT = "Y年n月"  # 2026年12月
MONTH_DAY_FORMAT = "n月j日"  # 12月4日
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
FIRST_DAY_OF_WEEK = 1  # 星期一

# strptime's %m and %d also read 9 for 09: 2026年9月4日 and 2026/9/4 are accepted.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-04, what a date input posts
    "%Y/%m/%d",  # 2026/12/04
    "%Y年%m月%d日",  # 2026年12月4日
]
TIME_INPUT_FORMATS = [
    "%H:%M",
    "%H:%M:%S",
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # what a datetime-local input posts
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
]
