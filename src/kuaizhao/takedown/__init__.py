"""Takedown and compliance: removal requests, their review, and what a removal covers.

Pure policy (no I/O): `model` holds the values, `validate` turns a submitted form into
a request or says exactly what was wrong, `workflow` decides which state changes are
allowed, `scopes` decides what a removal covers. The store keeps the rows and the one
`removed` marker every read filters by (store/sqlite/takedowns.py); the pipeline
(`pipeline/takedown.py`) applies decisions, and the web and CLI drive them.
"""
