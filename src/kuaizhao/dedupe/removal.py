"""Has an article disappeared from its source? (pure)

Three ways a page goes, seen after it was captured before: the server says so (404,
410); it redirects to the outlet's home page (or a section front) instead of an
article; or it answers 200 with a "page not found" / "this story has been removed"
page (a soft 404, common with Chinese CMSes). A redirect to another article is a move,
not a removal, and any other error (5xx, timeouts) says nothing about the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from kuaizhao.models import Article


@dataclass(frozen=True, slots=True)
class RemovalDecision:
    removed: bool
    reason: str  # a code: http_404, http_410, redirect_home, not_found_page, "" when present


PRESENT = RemovalDecision(False, "")

_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.php",
               "/index.jsp", "/default.aspx", "/default.htm", "/404.html", "/404.htm",
               "/error.html", "/notfound.html"}
_NOT_FOUND = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|此|您要的)?页面|该(?:新闻|文章|内容|信息)已(?:被)?(?:删除|下线|撤回|撤销)"
    r"|(?:文章|内容|新闻|页面)已(?:被)?(?:删除|下线|撤回)|您访问的(?:页面|内容|文章)(?:不存在|已删除)"
    r"|\b404\b|page not found|not be found|no longer available|has been removed"
    r"|story (?:has been|was) removed|article (?:has been|was) removed|doesn'?t exist",
    re.IGNORECASE,
)
# A not-found page is short; an article that mentions "404" in passing is not one.
NOT_FOUND_MAX_CHARS = 400


def is_home_redirect(url: str, location: str | None) -> bool:
    """A redirect from an article to the site's front page (or an error page)."""
    if not location:
        return False
    target = urlsplit(urljoin(url, location.strip()))
    source = urlsplit(url)
    if target.path.rstrip("/") == source.path.rstrip("/"):
        return False  # http→https or a trailing slash: the same page
    return target.path.lower() in _HOME_PATHS or target.path.lower().rstrip("/") in _HOME_PATHS


def looks_not_found(page: Article) -> bool:
    """A page whose whole text is a not-found or removed notice."""
    text = f"{page.title}\n{page.text}"
    if page.text and not page.not_article_reason and len(page.text) > NOT_FOUND_MAX_CHARS:
        return False
    return bool(_NOT_FOUND.search(text))


def decide_removal(url: str, status: int, location: str | None,
                   page: Article | None) -> RemovalDecision:
    """Whether this capture shows the URL gone; only meaningful after an earlier success
    (the caller checks that the URL has a version)."""
    if status in (404, 410):
        return RemovalDecision(True, f"http_{status}")
    if 300 <= status < 400 and is_home_redirect(url, location):
        return RemovalDecision(True, "redirect_home")
    if status == 200 and page is not None and looks_not_found(page):
        return RemovalDecision(True, "not_found_page")
    return PRESENT
