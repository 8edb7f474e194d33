"""lib.diff: what the editor changed, a character at a time and a number at a time."""

import pytest

from lib.diff import char_diff, has_changes, tokens


def changes(before: str, after: str) -> list[tuple[str, str]]:
    return [(op, text) for op, text in char_diff(before, after) if op != "equal"]


def test_a_changed_figure_is_one_deletion_and_one_insertion():
    assert changes("本周受理1234件。", "本周受理1243件。") == [
        ("delete", "1234"),
        ("insert", "1243"),
    ]


def test_the_unchanged_text_around_a_changed_figure_is_kept_whole():
    assert char_diff("受理1234件", "受理1243件") == [
        ("equal", "受理"),
        ("delete", "1234"),
        ("insert", "1243"),
        ("equal", "件"),
    ]


@pytest.mark.parametrize(
    ("before", "after", "old", "new"),
    [
        ("累计办件14,748件", "累计办件14,784件", "14,748", "14,784"),
        ("完成率60.37%", "完成率60.73%", "60.37%", "60.73%"),
        ("完成率60.37%", "完成率60.37‰", "60.37%", "60.37‰"),
        ("金额1.2万元", "金额2.1万元", "1.2万", "2.1万"),
        ("投资3亿元", "投资13亿元", "3亿", "13亿"),
        ("规模2万亿元", "规模2亿元", "2万亿", "2亿"),
        ("共12项", "共12.5项", "12", "12.5"),
    ],
)
def test_separators_decimals_and_units_belong_to_their_number(before, after, old, new):
    assert changes(before, after) == [("delete", old), ("insert", new)]


def test_a_sentence_full_stop_after_a_number_is_not_part_of_it():
    assert tokens("2023.今年") == ["2023", ".", "今", "年"]
    assert tokens("1,2，3") == ["1,2", "，", "3"]


def test_chinese_text_is_still_compared_a_character_at_a_time():
    assert changes("开展节前安全检查", "开展节后安全检查") == [("delete", "前"), ("insert", "后")]


def test_an_inserted_number_is_one_insertion():
    assert changes("受理件，办结件。", "受理514件，办结件。") == [("insert", "514")]


def test_full_width_digits_are_the_same_number_as_half_width_ones():
    assert not has_changes("受理１２３４件", "受理1234件")
    assert changes("受理１２３４件", "受理1243件") == [("delete", "1234"), ("insert", "1243")]


def test_joining_the_parts_gives_back_both_texts():
    before, after = "本周受理514件，同比增长12.5%，\n累计1,004项。", "本周受理541件，同比增长2.5%。"
    parts = char_diff(before, after)
    assert "".join(t for op, t in parts if op != "insert") == before
    assert "".join(t for op, t in parts if op != "delete") == after
