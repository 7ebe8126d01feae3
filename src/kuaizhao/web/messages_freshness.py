"""Strings of the admin sources page (polling and capture-lag statistics), zh and en."""

from __future__ import annotations

ZH: dict[str, str] = {
    "admin_sources_title": "来源抓取状态",
    "admin_sources_intro": "每个来源最近一次和下一次轮询、当前间隔及其原因、每日条目数、"
                           "从发布到存档的中位延迟，以及出错情况。",
    "admin_col_source": "来源",
    "admin_col_last_poll": "上次轮询",
    "admin_col_next_poll": "下次轮询",
    "admin_col_interval": "间隔",
    "admin_col_items_day": "条目/天",
    "admin_col_lag": "中位延迟",
    "admin_col_polls": "轮询（未变）",
    "admin_col_errors": "错误",
    "admin_col_websub": "推送",
    "admin_never": "尚未",
    "admin_reason_backoff": "出错后退避",
    "admin_reason_websub": "有推送，少轮询",
    "admin_reason_expected": "按发布规律",
    "admin_reason_burst": "发布密集期",
    "admin_reason_rate": "按发布频率",
    "admin_reason_start": "初始间隔",
    "admin_seconds": "{count} 秒",
    "admin_errors_now": "连续 {count} 次失败",
}

EN: dict[str, str] = {
    "admin_sources_title": "Source polling",
    "admin_sources_intro": "For each source: last and next poll, the current interval and why, "
                           "items per day, median lag from publication to capture, and errors.",
    "admin_col_source": "Source",
    "admin_col_last_poll": "Last poll",
    "admin_col_next_poll": "Next poll",
    "admin_col_interval": "Interval",
    "admin_col_items_day": "Items/day",
    "admin_col_lag": "Median lag",
    "admin_col_polls": "Polls (unchanged)",
    "admin_col_errors": "Errors",
    "admin_col_websub": "WebSub",
    "admin_never": "not yet",
    "admin_reason_backoff": "backing off after errors",
    "admin_reason_websub": "pushed by WebSub",
    "admin_reason_expected": "expected publication",
    "admin_reason_burst": "publishing burst",
    "admin_reason_rate": "publication rate",
    "admin_reason_start": "starting interval",
    "admin_seconds": "{count} s",
    "admin_errors_now": "{count} failures in a row",
}
