"""The subscribe stage: accounts, subscriptions, matching at index time, feeds, alerts.

Pure policy lives here (`passwords`, `tokens`, `throttle`, `matching`, `atom`,
`webhooks`, `digest`); `index_time` is what the pipeline calls after a snapshot is
stored, and `alerts` sends webhooks and digests. Nothing here imports `store`'s
implementation: the `Store` protocol is passed in.
"""
