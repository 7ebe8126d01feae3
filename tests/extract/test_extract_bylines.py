"""Byline parsing: 来源 / 作者 / 责任编辑 / 本文转自 / 原标题 and wire datelines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.extract.bylines import closing_credit, parse_byline, split_names, wire_dateline


def _fields(line: str) -> dict[str, str]:
    return {f.field: f.value for f in parse_byline(line)}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("发布时间:2024-02-07 21:02:00 来源:人民资讯",
         {"published": "2024-02-07 21:02:00", "source": "人民资讯"}),
        ("2024-02-07 21:02 来源：新华网 作者：张三 【字号 大 中 小】",
         {"source": "新华网", "author": "张三"}),
        ("本文转自：人民网-江苏频道", {"reposted_from": "人民网-江苏频道"}),
        ("转载自：澎湃新闻", {"reposted_from": "澎湃新闻"}),
        ("（责任编辑：王五）", {"editor": "王五"}),
        ("责任编辑 王五", {"editor": "王五"}),
        ("原标题：无锡放大“三个效应”", {"original_title": "无锡放大“三个效应”"}),
        ("类别:国内 发布时间:2024-02-07", {"category": "国内", "published": "2024-02-07"}),
        ("来源：人民资讯 | 分享到 微博", {"source": "人民资讯"}),
        ("文/张三 图/李四", {"author": "张三", "photo": "李四"}),
        ("编辑/苏芳", {"editor": "苏芳"}),
        ("(编辑：文静)", {"editor": "文静"}),
    ],
)
def test_parse_byline(line: str, expected: dict[str, str]) -> None:
    assert _fields(line) == expected


@pytest.mark.parametrize(
    "line", ["全文共三千字", "他说来源于生活", "时间就是金钱", "时间/地点：北京", "中文/英文", ""])
def test_no_false_labels(line: str) -> None:
    assert parse_byline(line) == []


def test_wire_dateline_with_reporters() -> None:
    wire = wire_dateline("新华社北京2月7日电（记者 张三、李四）今天上午……")
    assert wire is not None
    assert wire.outlet == "新华社"
    assert wire.authors == ("张三", "李四")


def test_generic_outlet_needs_the_dateline_form() -> None:
    assert wire_dateline("北京商报讯（记者 岳品瑜 董晗萱）5月20日") is not None
    assert wire_dateline("这家报社表示电视转播将继续") is None


def test_own_outlet_dateline_credits_without_a_repost() -> None:
    own = wire_dateline("本报讯（记者 张三 李四）今天上午……")
    assert own is not None
    assert own.own
    assert own.authors == ("张三", "李四")
    staff = wire_dateline("本站讯（职工通讯员 李琴雯 刘会）为深入推进")
    assert staff is not None
    assert staff.authors == ("李琴雯", "刘会")
    assert wire_dateline("本报记者 张三") is None
    wire = wire_dateline("新华社北京2月7日电（记者 张三）")
    assert wire is not None
    assert not wire.own


@pytest.mark.parametrize(("paragraph", "names"), [
    ("法庭宣布休庭。（总台央视记者 奚丹霓 张赛）", ("奚丹霓", "张赛")),
    ("……。（记者 张三 通讯员 李四）", ("张三", "李四")),
    ("（本报记者 张三、李四）", ("张三", "李四")),
    ("（文/王五）", ("王五",)),
    ("（完）", ()),
    ("他说（记者注：此处有误）", ()),
    ("现场图片（新华社记者 张三 摄）", ()),  # a photo credit, not the text's reporters
])
def test_closing_credit(paragraph: str, names: tuple[str, ...]) -> None:
    assert closing_credit(paragraph) == names


def test_names_that_name_nobody_and_staff_codes() -> None:
    assert split_names("未知") == ()
    assert split_names("网络整理") == ()
    assert split_names("支全明 SF099") == ("支全明",)
    assert split_names("文静") == ("文静",)  # a name, not the label 文
    assert split_names("文/张三") == ("张三",)


def test_split_names() -> None:
    assert split_names("记者 张三 李四") == ("张三", "李四")
    assert split_names("Jane Doe and John Roe") == ("Jane Doe", "John Roe")
    assert split_names("张三、李四，王五") == ("张三", "李四", "王五")


han_name = st.text(alphabet="张王李赵刘陈杨黄周吴徐孙马朱胡林郭何高罗明华建国伟芳", min_size=2,
                   max_size=3)
outlet = st.text(alphabet="人民日报新华网中国青年江苏频道经济时报晚科技", min_size=2, max_size=8)
separator = st.sampled_from([":", "：", ": ", "： "])
gap = st.sampled_from([" ", "  ", "\u3000", " | "])


@given(outlet, han_name, han_name, separator, gap)
def test_round_trip_byline(source: str, author: str, editor: str, sep: str, space: str) -> None:
    line = f"来源{sep}{source}{space}作者{sep}{author}{space}责任编辑{sep}{editor}"
    assert _fields(line) == {"source": source, "author": author, "editor": editor}


@given(outlet, separator)
def test_round_trip_repost(origin: str, sep: str) -> None:
    assert _fields(f"本文转自{sep}{origin}") == {"reposted_from": origin}


@given(st.text(max_size=300))
def test_never_raises(line: str) -> None:
    for f in parse_byline(line):
        assert f.value
        assert f.value == f.value.strip()
