"""What a reader is told when a request fails, per error `code`, in both languages.

The code and its values come from the exception (`KuaizhaoError.code`/`.params`); the
English message it also carries is for the API, the CLI and the logs. An error without a
code here shows its English message in the English UI and only the page's general text in
the Chinese one, so a Chinese reader never meets an English sentence.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    "err_page_not_found": "本站没有 {path} 这个页面。",
    "err_method_not_allowed": "此地址不接受 {method} 请求，请用 {allowed}。",
    "err_bad_parameter": "参数 {names} 的值无法使用。",
    "err_parameter_required": "缺少参数 {name}。",
    "err_snapshot_not_found": "没有编号为 {id} 的快照；快照编号是整数，例如 /snapshots/1。",
    "err_snapshot_removed": "快照 {id} 已于 {date} 应删除请求从本站移除。",
    "err_item_not_found": "没有编号为 {id} 的条目。",
    "err_story_not_found": "没有编号为 {id} 的报道组；报道组编号列在快照页上。",
    "err_category_not_found": "存档中没有“{name}”这个类别；所有类别见类别页。",
    "err_source_not_found": "存档中没有“{name}”这个来源；所有来源见来源页。",
    "err_no_capture": "存档中没有 {url} 的抓取记录；可在网址查询页查看存档中有什么。",
    "err_no_version": "存档中没有 {url} 的任何版本。",
    "err_not_a_url": "“{value}”不是 http 或 https 网址；"
                     "请输入例如 https://example.com/a 这样的地址。",
    "err_url_too_long": "网址长 {length} 个字符，最多 {limit} 个。",
    "err_not_a_number": "参数 {name} 的值“{value}”不是整数。",
    "err_number_out_of_range": "参数 {name} 的值 {value} 超出范围（{low} 至 {high}）。",
    "err_page_too_deep": "最多只能翻看前 {max_offset} 条结果；请加上关键词或筛选条件缩小范围。",
    "err_query_only_excludes": "搜索式只排除了词语；请至少加一个要找的词。",
    "err_dates_reversed": "起始日期 {since} 晚于截止日期 {until}；请对调。",
    "err_not_a_date": "参数 {name} 的值“{value}”不是日期；请用 年-月-日 格式，例如 2024-02-07。",
    "err_bad_sort": "不支持按“{value}”排序；可选：相关度（relevance）或最新（newest）。",
    "err_query_too_long": "搜索词长 {length} 个字符，最多 {limit} 个。",
    "err_query_control_characters": "搜索词中含有控制字符，请只用普通文字。",
    "err_bad_name": "参数 {name} 的值无法用作名称。",
    "err_query_needs_value": "“{name}:”后面需要一个值，例如 {name}:国内。",
    "err_query_unknown_status": "status: 只能是 {choices} 之一。",
    "err_query_too_many_terms": "搜索式含 {count} 个词，最多 {limit} 个。",
    "err_bad_timestamp": "时间戳“{value}”不是 4 至 14 位数字（年月日时分秒）。",
    "err_bad_kind": "参数 kind 只能是 changed（已修改）或 removed（已删除）。",
    "err_targets_missing": "请至少填写一个网址或快照编号。",
    "err_targets_too_many": "填写了 {count} 个地址，每次请求最多 {limit} 个；其余的请另行提交。",
    "err_form_too_large": "请求内容过长（最多 {limit_kb} KB）；请缩短理由，或把地址分几次提交。",
    "err_password_too_short": "密码太短，至少需要 {min} 个字符。",
    "err_password_too_long": "密码太长，最多 {max} 个字符。",
    "err_name_length": "用户名需要 2 至 {max} 个字符。",
    "err_name_characters": "用户名只能包含字母、数字和 . _ - 符号。",
    "err_name_taken": "用户名“{name}”无法使用，请换一个。",
    "err_webhook_credentials": "Webhook 地址中不能包含用户名或密码；请用签名头验证推送。",
    "err_webhook_private": "不接受指向内网或本机地址（{host}）的 Webhook；请使用公网地址。",
    "err_subscription_kind": "订阅类型只能是搜索、类别或来源。",
    "err_subscription_needs_name": "订阅需要一个名称。",
    "err_subscription_needs_target": "请填写要关注的内容。",
    "err_subscription_target_too_long": "名称太长（最多 200 个字符）。",
    "err_subscription_nothing_to_follow": "这个搜索没有可关注的词、类别或来源；"
                                          "请加一个词，例如 科技创新。",
    "form_error_generic": "表单中有无法使用的内容，请检查后重试。",
    "err_login_throttled": "登录失败次数过多，请 {seconds} 秒后再试。",
    "err_signup_throttled": "此地址注册次数过多，请 {minutes} 分钟后再试。",
    "err_takedown_throttled": "此地址提交的删除请求过多，请 {minutes} 分钟后再试。",
}

EN: dict[str, str] = {
    "err_page_not_found": "There is no page at {path}.",
    "err_method_not_allowed": "{method} is not allowed here; use {allowed}.",
    "err_bad_parameter": "The value of {names} cannot be used.",
    "err_parameter_required": "The parameter {name} is required.",
    "err_snapshot_not_found": "There is no snapshot with id {id}; snapshot ids are whole "
                              "numbers such as /snapshots/1.",
    "err_snapshot_removed": "Snapshot {id} was removed from this site on request on {date}.",
    "err_item_not_found": "There is nothing with the number {id}.",
    "err_story_not_found": "There is no story with id {id}; story ids are listed on "
                           "snapshot pages.",
    "err_category_not_found": "There is no category “{name}” in the archive; the categories "
                              "page lists them all.",
    "err_source_not_found": "There is no source “{name}” in the archive; the sources page "
                            "lists them all.",
    "err_no_capture": "The archive holds no capture of {url}; the URL lookup shows what is "
                      "archived.",
    "err_no_version": "The archive holds no version of {url}.",
    "err_not_a_url": "“{value}” is not an http or https URL; enter an address such as "
                     "https://example.com/a.",
    "err_url_too_long": "The URL is {length} characters long; at most {limit}.",
    "err_not_a_number": "The value “{value}” of {name} is not a whole number.",
    "err_number_out_of_range": "The value {value} of {name} is out of range ({low} to {high}).",
    "err_page_too_deep": "Only the first {max_offset} results can be paged through; narrow "
                         "the query with words or filters instead.",
    "err_query_only_excludes": "The query only excludes words; add at least one word to "
                               "look for.",
    "err_dates_reversed": "The start date {since} is after the end date {until}; swap them.",
    "err_not_a_date": "The value “{value}” of {name} is not a date; use YYYY-MM-DD, for "
                      "example 2024-02-07.",
    "err_bad_sort": "Sorting by “{value}” is not supported; use relevance or newest.",
    "err_query_too_long": "The query is {length} characters long; at most {limit}.",
    "err_query_control_characters": "The query contains control characters; use plain words.",
    "err_bad_name": "The value of {name} cannot be used as a name.",
    "err_query_needs_value": "{name}: needs a value after the colon, for example {name}:国内.",
    "err_query_unknown_status": "status: must be one of {choices}.",
    "err_query_too_many_terms": "The query has {count} terms; at most {limit}.",
    "err_bad_timestamp": "The timestamp “{value}” is not 4 to 14 digits (YYYYMMDDhhmmss).",
    "err_bad_kind": "The parameter kind must be changed or removed.",
    "err_targets_missing": "Name at least one address or snapshot.",
    "err_targets_too_many": "{count} addresses given; at most {limit} per request (send "
                            "another request for the rest).",
    "err_form_too_large": "The request is too large (at most {limit_kb} KB); shorten the "
                          "reason or send the addresses in several requests.",
    "err_password_too_short": "The password is too short; use at least {min} characters.",
    "err_password_too_long": "The password is too long; use at most {max} characters.",
    "err_name_length": "An account name has 2 to {max} characters.",
    "err_name_characters": "An account name may hold letters, digits, '.', '_' and '-' only.",
    "err_name_taken": "The name “{name}” cannot be used; choose another.",
    "err_webhook_credentials": "Put no user name or password in the webhook URL; verify "
                               "deliveries with the signature header instead.",
    "err_webhook_private": "Webhooks to private or loopback addresses ({host}) are refused; "
                           "use a public address.",
    "err_subscription_kind": "A subscription follows a search, a category or a source.",
    "err_subscription_needs_name": "A subscription needs a name.",
    "err_subscription_needs_target": "Say what the subscription should follow.",
    "err_subscription_target_too_long": "The name is too long (at most 200 characters).",
    "err_subscription_nothing_to_follow": "The saved search has no words, category or source "
                                          "to follow; add a word such as 科技创新.",
    "form_error_generic": "Something in the form cannot be used; check it and send it again.",
    "err_login_throttled": "Too many failed logins; try again in {seconds} seconds.",
    "err_signup_throttled": "Too many sign-ups from this address; try again in {minutes} "
                            "minutes.",
    "err_takedown_throttled": "Too many removal requests from this address; try again in "
                              "{minutes} minutes.",
}
