-- The lookup key of each capture's URL (`kuaizhao.urls.lookup_key`: SURT-like, without
-- scheme, `www.`, tracking parameters or query order), so the TimeGate and /lookup find
-- a capture under the URL's other spellings. SQL cannot compute it: the store fills the
-- rows an older kuaizhao wrote when it opens the archive, finding them through the
-- partial index (empty once filled, so that check costs nothing afterwards).
ALTER TABLE captures ADD COLUMN url_key TEXT;
CREATE INDEX captures_url_key ON captures (url_key, captured_at);
CREATE INDEX captures_url_key_missing ON captures (id) WHERE url_key IS NULL;
