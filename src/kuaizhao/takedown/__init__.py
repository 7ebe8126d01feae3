"""Takedown and compliance: removal requests, their review, and what a removal covers.

`validate` turns a submitted form into a request or says exactly what was wrong,
`workflow` decides which state changes are allowed, `scopes` what a removal covers,
`noarchive` whether a page asks not to be archived, `limits` how often one address may
ask — all pure. `service` applies decisions to a `Store` (like `subscribe.accounts`):
the store keeps the rows (`store/takedown_rows.py`) and the one `removed` marker every
read filters by (`store/tables/takedowns.py`). Purge is `pipeline/purge.py`.
"""
