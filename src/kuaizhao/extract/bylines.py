"""Chinese bylines: 发布时间 / 来源 / 作者 / 责任编辑 / 本文转自 / 原标题, and wire datelines.

`parse_byline(line)` splits one line of labelled fields (several often share a line:
"发布时间:2024-02-07 21:02:00 来源:人民资讯"); `wire_dateline(paragraph)` reads an
opening such as "新华社北京2月7日电（记者 张三）". Both are pure string functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Label → field. Longer labels first so "责任编辑" wins over "编辑", "来源于" over "来源".
_LABELS: tuple[tuple[str, str], ...] = (
    ("本文转自", "reposted_from"), ("转载自", "reposted_from"), ("转自", "reposted_from"),
    ("稿件来源", "source"), ("新闻来源", "source"), ("文章来源", "source"), ("信息来源", "source"),
    ("来源于", "source"), ("来源", "source"), ("稿源", "source"), ("出处", "source"),
    ("原标题", "original_title"),
    ("发布时间", "published"), ("发表时间", "published"), ("发布日期", "published"),
    ("发稿时间", "published"), ("时间", "published"), ("日期", "published"),
    ("更新时间", "updated"), ("修改时间", "updated"), ("最后更新", "updated"),
    ("责任编辑", "editor"), ("责编", "editor"), ("值班编辑", "editor"), ("编辑", "editor"),
    ("作者", "author"), ("记者", "author"), ("撰文", "author"), ("文", "author"),
    ("类别", "category"), ("栏目", "category"), ("分类", "category"), ("频道", "category"),
    # Photo credits only end the value before them ("文/张三 图/李四"); nobody reads them.
    ("摄影", "photo"), ("图", "photo"),
)
_FIELD = dict(_LABELS)
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s|｜丨/【\[（(\d:：,，;；.]))(?P<label>"
    + "|".join(re.escape(label) for label, _ in sorted(_LABELS, key=lambda x: -len(x[0])))
    + r")\s*(?P<sep>[:：/／])\s*"
)
# Credits also written "文/张三", "编辑/李四"; other labels need a colon ("时间/地点").
_SLASH_LABELS = frozenset({"文", "作者", "记者", "撰文", "编辑", "责任编辑", "责编", "摄影", "图"})
# Labels for which a value needs no colon: "责任编辑 张三" is common, "文 张三" is not safe.
_BARE_LABEL_RE = re.compile(r"^(?P<label>责任编辑|责编)\s+(?=\S)")
# Trailing page furniture that shares the byline line.
_JUNK_TAIL = re.compile(
    r"\s*(?:[【\[]?\s*(?:字号|字体|分享到?|打印|关闭|收藏|评论|阅读(?:量|数)?|浏览(?:量|次数)?|点击(?:量|数)?"
    r"|我要纠错|手机看|扫一扫|大\s*中\s*小)\b.*|[【\[]\s*[大中小]\s*[】\]].*)$"
)
_WRAPPERS = "()（）[]【】「」<>《》"
_NAME_SPLIT = re.compile(
    r"\s*(?:[、,，;；/|&]|\s+(?:and|und|et|y|e|og|och|en|和|与)\s+|\s{2,})\s*")
# The word before a byline's names: "By …", "Von …", "Par …", "Por …", "Door …" (Italian
# "di" only where a whole line is a byline: it also starts surnames, "Di Maio").
BY_WORDS = r"by|von|par|por|door|av|af"
_BY_PREFIX = re.compile(rf"^(?:{BY_WORDS})\s+", re.I)
# "Corina Gall (cog.)", "支全明 SF099": a staff code after the name.
_NAME_CODE = re.compile(r"\s*(?:[(（][\w.]{1,6}[)）]|기자|記者|记者|\s[A-Z]{1,4}\d{2,6})$")
# One-character labels need a separator after them: 文静 is a name, "文/张三" a credit.
_AUTHOR_JUNK = re.compile(
    r"^(?:本报|本网|本台)?(?:(?:记者|通讯员|特约记者|实习生|作者|摄影)[\s:：/／]*"
    r"|[文图摄](?:[\s:：/／]+|$))"
)
# What a byline says when it names nobody: "作者：未知", "来源：网络整理".
NOBODY = frozenset({
    "未知", "佚名", "匿名", "不详", "网络", "网络整理", "综合", "本站", "网友", "小编", "管理员",
    "系统管理员", "admin", "administrator", "unknown", "anonymous",
})

WIRE_OUTLETS = (
    "新华社", "中新社", "中新网", "中国新闻网", "人民网", "央视网", "央视新闻", "中央广播电视总台",
    "国际在线", "光明网", "中国日报网", "环球网", "澎湃新闻", "新京报", "法制网", "中青网",
    "中国青年网", "经济日报", "人民日报", "工人日报", "科技日报", "证券时报", "中国经济网",
)
_CREDIT = r"\s*(?:[（(](?P<credit>[^()（）]{1,40})[)）])?"
# A named wire outlet may open with a place and date ("新华社北京2月7日电") or "消息";
# any other outlet-like word needs the full "…月…日电" or "…讯" form to count.
_WIRE_RE = re.compile(
    r"^\s*[【\[]?(?P<outlet>"
    + "|".join(sorted(WIRE_OUTLETS, key=len, reverse=True))
    + r")(?:客户端)?[\u4e00-\u9fff]{0,10}?(?:\d{1,2}月\d{1,2}日)?(?:电|讯|消息)[】\]]?"
    + _CREDIT
)
# "本报讯（记者 张三）", "本网北京2月7日电": the page's own outlet; a credit, not a repost.
_OWN_RE = re.compile(
    r"^\s*[【\[]?(?P<outlet>本报|本网|本站|本台|本刊)"
    r"(?:[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电|[\u4e00-\u9fff]{0,6}?讯)[】\]]?" + _CREDIT
)
_GENERIC_WIRE_RE = re.compile(
    r"^\s*[【\[]?(?P<outlet>[\u4e00-\u9fff]{2,8}(?:社|网|报|台))(?:客户端)?"
    r"(?:[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电|讯)[】\]]?" + _CREDIT
)


@dataclass(frozen=True, slots=True)
class BylineField:
    # reposted_from, source, original_title, published, updated, editor, author, category
    field: str
    label: str
    value: str
    start: int  # offset of the label in the line


def parse_byline(line: str) -> list[BylineField]:
    """Every labelled field in `line`, values trimmed of furniture and brackets."""
    matches = [m for m in _LABEL_RE.finditer(line)
               if m.group("sep") in ":：" or m.group("label") in _SLASH_LABELS]
    if not matches:
        bare = _BARE_LABEL_RE.match(line)
        if bare is None:
            return []
        return _fields_from([(bare.group("label"), bare.start(), bare.end())], line)
    return _fields_from([(m.group("label"), m.start(), m.end()) for m in matches], line)


def _fields_from(spans: list[tuple[str, int, int]], line: str) -> list[BylineField]:
    out: list[BylineField] = []
    for i, (label, start, end) in enumerate(spans):
        stop = spans[i + 1][1] if i + 1 < len(spans) else len(line)
        value = clean_value(line[end:stop])
        if value:
            out.append(BylineField(_FIELD[label], label, value, start))
    return out


def clean_value(raw: str) -> str:
    value = _JUNK_TAIL.sub("", raw).strip(" \t\u3000|｜丨:：-—·•,，;；")
    if len(value) >= 2 and value[0] in _WRAPPERS and value[-1] in _WRAPPERS:
        value = value[1:-1].strip()
    unbalanced = value.count("（") != value.count("）") or value.count("(") != value.count(")")
    return value.strip(_WRAPPERS + " ") if unbalanced else value


def split_names(value: str, one_person_per_space: bool = True) -> tuple[str, ...]:
    """'张三 李四' / '张三、李四' / 'Jane Doe and John Roe' → separate names.

    `one_person_per_space=False` keeps '大渡 美咲' whole: a JSON-LD Person's name is one
    person, and Japanese names put a space between family and given name.
    """
    value = _BY_PREFIX.sub("", _AUTHOR_JUNK.sub("", value.strip()))
    if one_person_per_space and re.fullmatch(
            r"[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4})+", value):
        parts = value.split()  # Chinese names separated by single spaces
    else:
        parts = _NAME_SPLIT.split(value)
    names = []
    for part in parts:
        name = _NAME_CODE.sub("", _BY_PREFIX.sub("", _AUTHOR_JUNK.sub("", part))).strip(" .。")
        if (name and len(name) <= 40 and name.lower() not in NOBODY
                and not re.search(r"\d{3,}|https?:", name)):
            names.append(name)
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class WireDateline:
    outlet: str
    authors: tuple[str, ...]
    end: int  # where the dateline ends in the paragraph
    own: bool = False  # "本报讯": the publishing outlet itself, not a wire service


def wire_dateline(paragraph: str) -> WireDateline | None:
    """'新华社北京2月7日电（记者 张三 李四）…' → outlet 新华社, authors (张三, 李四);
    '本报讯（记者 张三）' → the page's own outlet (`own`), author 张三."""
    own = _OWN_RE.match(paragraph)
    m = own or _WIRE_RE.match(paragraph) or _GENERIC_WIRE_RE.match(paragraph)
    if m is None or not m.group(0).strip():
        return None
    credit = m.group("credit") or ""
    authors: tuple[str, ...] = ()
    if credit and re.search(r"记者|通讯员|作者", credit):
        authors = split_names(re.sub(r"^.*?(?:记者|通讯员|作者)", "", credit))
    return WireDateline(m.group("outlet"), authors, m.end(), own=own is not None)


# "……当庭表示认罪悔罪。（总台央视记者 奚丹霓 张赛）": reporters credited at the end.
_CLOSING_CREDIT = re.compile(
    r"[（(](?P<credit>[^（）()]{0,12}?(?:记者|通讯员|实习生|作者|文\s*/)[^（）()]{2,40})[）)]\s*$")
_CREDIT_ROLE = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:记者|通讯员|实习生|作者)|文\s*/")
_CHINESE_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")


def closing_credit(paragraph: str) -> tuple[str, ...]:
    """The reporters named in brackets at the end of a paragraph, Chinese names only."""
    m = _CLOSING_CREDIT.search(paragraph[-60:])
    if m is None:
        return ()
    parts = re.split(r"[\s、，,]+", _CREDIT_ROLE.sub(" ", m.group("credit")))
    names = [p for p in parts if p]
    if not names or not all(_CHINESE_NAME.fullmatch(n) and n not in NOBODY for n in names):
        return ()
    return tuple(dict.fromkeys(names))
