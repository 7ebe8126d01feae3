"""What the demo news web holds: three outlets and every article page they serve.

This is a table, not code: each article says where its bytes come from (a real page
copied under `pages/`, or a body rendered into the outlet's template), its stable
path, its publication time, and which special case it plays for the crawler. The
attribution of every copied page is in `pages/README.md`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

EDITIONS = (1, 2)
PAGE_SIZE = 3  # articles per listing page: small, so every outlet has a page 2


class Behaviour(enum.StrEnum):
    """The special case an article plays; the server acts on it."""

    NORMAL = "normal"
    SLOW = "slow"  # answers after `DemoOptions.slow_seconds`
    OVERSIZED = "oversized"  # generated body above the crawler's size limit
    FLAKY = "flaky"  # 503 with Retry-After on the first GET, then 200
    CHANGES = "changes"  # title and body differ in edition 2
    VANISHES = "vanishes"  # 410 Gone in edition 2


@dataclass(frozen=True, slots=True)
class OutletSpec:
    key: str
    name: str
    language: str
    timezone: str
    charset: str  # the encoding its own pages (home, listings, templated articles) use
    default_category: str
    categories: tuple[tuple[str, str], ...]  # (listing path, category name)
    link_pattern: str  # regex the listing links of articles match
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    disallow: tuple[str, ...]  # robots.txt Disallow paths


@dataclass(frozen=True, slots=True)
class ArticleSpec:
    """One article page. `source` is a file under `pages/`; `raw` pages are served as
    they were captured (only charset declarations and canonical URL rewritten), the
    others are `text` bodies rendered into the outlet's template."""

    key: str
    outlet: str
    path: str
    title: str
    published: datetime
    category: str
    source: str
    raw: bool = False
    behaviour: Behaviour = Behaviour.NORMAL
    editions: tuple[int, ...] = EDITIONS
    declare_charset: bool = True
    reposted_from: str | None = None  # "本文转自:" line of a templated page
    repost_of: str | None = None  # key of the article this one copies
    image_caption: str | None = None
    title_v2: str | None = None  # CHANGES: the edition-2 headline
    updated_v2: datetime | None = None  # CHANGES: when edition 2 was revised
    correction_v2: str | None = None  # CHANGES: the paragraph edition 2 appends


OUTLETS: tuple[OutletSpec, ...] = (
    OutletSpec(
        key="renmin",
        name="人民资讯",
        language="zh",
        timezone="Asia/Shanghai",
        charset="utf-8",
        default_category="国内",
        categories=(("/guonei/", "国内"), ("/caijing/", "财经"), ("/jiankang/", "健康")),
        link_pattern=r"/\d{4}/\d{2}/\d{2}/[^/]+\.html$",
        feeds=("/rss.xml",),
        sitemaps=("/sitemap.xml", "/sitemap-news.xml"),
        disallow=("/internal/", "/_demo/"),
    ),
    OutletSpec(
        key="jiangnan",
        name="江南快报",
        language="zh",
        timezone="Asia/Shanghai",
        charset="gbk",
        default_category="要闻",
        categories=(("/news/", "要闻"), ("/finance/", "财经")),
        link_pattern=r"/content_\d+\.htm$",
        # The second feed is cut off mid-element: a malformed feed next to a good one.
        feeds=("/rss.xml", "/rss-flash.xml"),
        sitemaps=("/sitemap.xml", "/sitemap-news.xml"),
        disallow=("/print/", "/_demo/"),
    ),
    OutletSpec(
        key="ledger",
        name="The Harbour Ledger",
        language="en",
        timezone="UTC",
        charset="utf-8",
        default_category="World",
        categories=(("/world/", "World"), ("/tech/", "Technology"), ("/business/", "Business")),
        link_pattern=r"/\d{4}/\d{2}/\d{2}/[^/]+\.html$",
        feeds=("/atom.xml",),
        sitemaps=("/sitemap.xml", "/sitemap-news.xml"),
        disallow=("/members/", "/_demo/"),
    ),
)

SEED_FILE = "seed/000_75f45cc625d77c14.txt"
_ZH = "zh/"
_EN = "en/"


def _zh(prefix: str) -> str:
    return {
        "9c642bd5": "9c642bd57e7c44cd40fdd9025696a5bea933556f643513e59d9965b48ef3b7e0",
        "665b6857": "665b6857803ab81b73da628c35cf544684ace5d3112eccd181b130dbc1070b98",
        "ea5bdb58": "ea5bdb58d64b345dd80afd12651010fd442d4c8bdf45b540e61c4ff7c37fb30f",
        "6558a82c": "6558a82cd7af98f97783a125f84d6aefccd7ab723f58c5f4ee58c2e11523ac29",
        "0987b0ff": "0987b0ff61a8eca73758b6c328af71dca752bdfa9e7e0139dad6f08c29252960",
        "3ef3b4e6": "3ef3b4e65fab1f387fb5ec483a13a88da9b0bc1533c2d9bf894532322b8e3860",
        "42076fe0": "42076fe0b7e334620dd25c6df7186a69e4c28c084800e3a7a46e99c3b1cf51b4",
    }[prefix]


ARTICLES: tuple[ArticleSpec, ...] = (
    # ------------------------------------------------ 人民资讯 (UTF-8)
    ArticleSpec(
        key="seed",
        outlet="renmin",
        path="/guonei/2024/02/07/wuxi-sange-xiaoying.html",
        title="无锡:放大“三个效应” 打造产业科技创新高地",
        published=datetime(2024, 2, 7, 21, 2, tzinfo=SHANGHAI),
        category="国内",
        source=SEED_FILE,
        reposted_from="人民网-江苏频道",
        image_caption="座谈会现场。无锡日报供图",
    ),
    ArticleSpec(
        key="yanglao",
        outlet="renmin",
        path="/guonei/2024/05/13/yanglao-benkesheng.html",
        title="我国首届养老专业本科生迎来毕业季 “银发浪潮”到来，年轻人可大展拳脚",
        published=datetime(2024, 5, 13, 6, 3, tzinfo=SHANGHAI),
        category="国内",
        source=_ZH + _zh("9c642bd5") + ".html",
        raw=True,
    ),
    ArticleSpec(
        key="tram",
        outlet="renmin",
        path="/guonei/2024/05/10/youguidianche.html",
        title="城市有轨电车之困：一边争相上马，一边接连叫停",
        published=datetime(2024, 5, 10, 0, 26, 45, tzinfo=SHANGHAI),
        category="国内",
        source=_ZH + _zh("665b6857") + ".html",
        raw=True,
    ),
    ArticleSpec(
        key="internal",
        outlet="renmin",
        path="/internal/2024/05/16/qingdao-shouhui.html",
        title="被控受贿超5.26亿 山东省青岛市政协原主席汲斌昌受审",
        published=datetime(2024, 5, 16, 17, 2, 17, tzinfo=SHANGHAI),
        category="国内",
        source="text/1b929fec5b591f3870c961d4f7e01609c48bf9b67605fab26216c21a0f1de10e.txt",
    ),
    ArticleSpec(
        key="cpi",
        outlet="renmin",
        path="/caijing/2024/05/11/cpi-april.html",
        title="2024年4月全国CPI同比上涨0.3% 食品价格下降2.7%",
        published=datetime(2024, 5, 11, 9, 36, 26, tzinfo=SHANGHAI),
        category="财经",
        source=_ZH + _zh("ea5bdb58") + ".html",
        raw=True,
    ),
    ArticleSpec(
        key="lpr",
        outlet="renmin",
        path="/caijing/2024/05/20/lpr-may.html",
        title="5月LPR按兵不动：1年期为3.45%，5年期以上为3.95%",
        published=datetime(2024, 5, 20, 9, 47, 48, tzinfo=SHANGHAI),
        category="财经",
        source=_ZH + _zh("6558a82c") + ".html",
        raw=True,
        editions=(2,),
    ),
    ArticleSpec(
        key="jianzhong",
        outlet="renmin",
        path="/jiankang/2024/04/23/jialing-jianzhong.html",
        title="《热辣滚烫》贾玲瘦了100斤，她说：“我的减重非常健康”，怎么做到的？",
        published=datetime(2024, 4, 23, 12, 27, 25, tzinfo=SHANGHAI),
        category="健康",
        source="text/d997d758e164d7642a106dce06f0b68df60a1b48ac1bdb7cb9cbeec61607d798.txt",
        behaviour=Behaviour.CHANGES,
        title_v2="贾玲减重100斤怎么做到的？营养科医生：健康减重靠饮食与运动",
        updated_v2=datetime(2024, 4, 24, 9, 30, tzinfo=SHANGHAI),
        correction_v2="更新说明：本文标题已于2024年4月24日修改，正文内容未作改动。",
    ),
    ArticleSpec(
        key="labazhou",
        outlet="renmin",
        path="/jiankang/2021/01/20/labazhou.html",
        title="煮一碗好吃的腊八粥，请记好这几个小窍门",
        published=datetime(2021, 1, 20, 4, 29, 44, tzinfo=SHANGHAI),
        category="健康",
        source=_ZH + _zh("0987b0ff") + ".html",
        raw=True,
    ),
    # ------------------------------------------------ 江南快报 (GBK)
    ArticleSpec(
        key="seed-repost",
        outlet="jiangnan",
        path="/news/2024-02/08/content_20001.htm",
        title="无锡:放大“三个效应” 打造产业科技创新高地",
        published=datetime(2024, 2, 8, 7, 45, tzinfo=SHANGHAI),
        category="要闻",
        source=SEED_FILE,
        reposted_from="人民资讯",
        repost_of="seed",
        image_caption="座谈会现场。无锡日报供图",
    ),
    ArticleSpec(
        key="seed-print",
        outlet="jiangnan",
        path="/print/content_20001.htm",
        title="无锡:放大“三个效应” 打造产业科技创新高地（打印版）",
        published=datetime(2024, 2, 8, 7, 45, tzinfo=SHANGHAI),
        category="要闻",
        source=SEED_FILE,
        reposted_from="人民资讯",
        repost_of="seed",
    ),
    ArticleSpec(
        key="huanbao",
        outlet="jiangnan",
        path="/finance/2005-08/26/content_10001.htm",
        title="创业环保第一季度报告会计差错的提示性公告",
        published=datetime(2005, 8, 26, 5, 39, tzinfo=SHANGHAI),
        category="财经",
        source=_ZH + _zh("3ef3b4e6") + ".html",
        raw=True,
    ),
    ArticleSpec(
        key="rmb",
        outlet="jiangnan",
        path="/finance/2016-05/25/content_10002.htm",
        title="人民币中间价创逾五年新低 做市商称符合预期",
        published=datetime(2016, 5, 25, 10, 10, 20, tzinfo=SHANGHAI),
        category="财经",
        source=_ZH + _zh("42076fe0") + ".html",
        raw=True,
        declare_charset=False,  # GBK bytes with no charset in header or meta
    ),
    ArticleSpec(
        key="ceasefire",
        outlet="jiangnan",
        path="/news/2024-05/20/content_20002.htm",
        title="以战时内阁审查重启停火谈判提案",
        published=datetime(2024, 5, 20, 13, 15, tzinfo=SHANGHAI),
        category="要闻",
        source="text/39dd62c5ba88ab41c15c92ceab61ed4606fc6e996d2ab0d2e10af0e315be94de.txt",
        behaviour=Behaviour.FLAKY,
    ),
    ArticleSpec(
        key="transcript",
        outlet="jiangnan",
        path="/news/2024-02/09/content_20003.htm",
        title="无锡科技创新工作座谈会发言汇编（全文）",
        published=datetime(2024, 2, 9, 10, 0, tzinfo=SHANGHAI),
        category="要闻",
        source=SEED_FILE,
        behaviour=Behaviour.OVERSIZED,
    ),
    # ------------------------------------------------ The Harbour Ledger (English)
    ArticleSpec(
        key="europa",
        outlet="ledger",
        path="/tech/2019/11/18/europa-water-plumes.html",
        title=(
            "NASA Just Confirmed There Are Water Plumes Above The Surface of Jupiter's Moon Europa"
        ),
        published=datetime(2019, 11, 18, 21, 0, tzinfo=UTC),
        category="Technology",
        source=_EN + "14cc2a0ca59c62a8c9f205a171e9ccf4ef4cf69b0c642f51c8c65c051b39024f.html",
        raw=True,
    ),
    ArticleSpec(
        key="titan",
        outlet="ledger",
        path="/tech/2019/11/19/titan-geological-map.html",
        title="The First Map of Saturn's Moon Titan Just Revealed Some Tantalising Features",
        published=datetime(2019, 11, 19, 9, 0, tzinfo=UTC),
        category="Technology",
        source=_EN + "359fee228518d55b921194561e9ca88e428df81940246f8fac7a75398377daea.html",
        raw=True,
    ),
    ArticleSpec(
        key="wework-ag",
        outlet="ledger",
        path="/business/2019/11/18/wework-attorney-general.html",
        title="New York State Attorney General investigating WeWork and former CEO",
        published=datetime(2019, 11, 19, 7, 3, 25, tzinfo=UTC),
        category="Business",
        source=_EN + "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85.html",
        raw=True,
        behaviour=Behaviour.VANISHES,
    ),
    ArticleSpec(
        key="wework-layoffs",
        outlet="ledger",
        path="/business/2019/11/18/wework-layoffs.html",
        title="WeWork employees to be laid off this week",
        published=datetime(2019, 11, 18, 17, 2, 2, tzinfo=UTC),
        category="Business",
        source=_EN + "bc13ff87b2630ffbebc33bc37b11178b14f03109055e1d17bf644f804b63d98a.html",
        raw=True,
    ),
    ArticleSpec(
        key="berlin",
        outlet="ledger",
        path="/world/2019/11/20/berlin-stabbing.html",
        title="Son of former German president stabbed to death in Berlin",
        published=datetime(2019, 11, 20, 10, 43, tzinfo=UTC),
        category="World",
        source=_EN + "e372e42c0a3df7b86e1c0bacf7bc14d042144a01e88833bc5a643d61b3547090.html",
        raw=True,
        behaviour=Behaviour.SLOW,
    ),
    ArticleSpec(
        key="assange",
        outlet="ledger",
        path="/members/2019/11/20/sweden-assange.html",
        title="Sweden Drops Its Investigation Into Rape Allegation Against Julian Assange",
        published=datetime(2019, 11, 20, 7, 50, 10, tzinfo=UTC),
        category="World",
        source=_EN + "dc7ccccc1f34eb2928cb238739aaf18c712d59d8d34b41acfb29178aeba65356.html",
        raw=True,
    ),
    ArticleSpec(
        key="sondland",
        outlet="ledger",
        path="/world/2019/11/20/sondland-questions.html",
        title="Unpredictable Sondland faces questions about Trump, Ukraine",
        published=datetime(2019, 11, 20, 10, 52, 50, tzinfo=UTC),
        category="World",
        source=_EN + "82b6d780c792df78dcfb00484d50c86fbc7f324a9eb5835b7615f028edb9a574.html",
        raw=True,
        editions=(2,),
    ),
)

# Old URL -> article key: a 301 like those left behind by a CMS migration. The Atom
# feed links the old URL, the listing the new one.
REDIRECTS: dict[tuple[str, str], str] = {("ledger", "/story.php?id=4246"): "europa"}

FIXED_LAST_MODIFIED = datetime(2024, 1, 1, tzinfo=UTC)  # robots.txt and other static files


def outlet_spec(key: str) -> OutletSpec:
    for outlet in OUTLETS:
        if outlet.key == key:
            return outlet
    raise KeyError(key)


def article_spec(key: str) -> ArticleSpec:
    for article in ARTICLES:
        if article.key == key:
            return article
    raise KeyError(key)


def is_disallowed(outlet: OutletSpec, path: str) -> bool:
    return any(path.startswith(prefix) for prefix in outlet.disallow)


def articles_of(outlet_key: str, edition: int) -> list[ArticleSpec]:
    """Articles an outlet lists in `edition`, newest first. VANISHES ones stay listed
    nowhere once gone, as a site removes a pulled story from its indexes."""
    found = [
        a
        for a in ARTICLES
        if a.outlet == outlet_key
        and edition in a.editions
        and not (a.behaviour is Behaviour.VANISHES and edition >= 2)
    ]
    return sorted(found, key=lambda a: (a.published, a.path), reverse=True)
