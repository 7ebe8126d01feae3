"""MinHash signatures and LSH band keys: reposts match, unrelated bodies do not."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.dedupe import band_keys, is_near_duplicate, signature, similarity
from kuaizhao.dedupe.neardup import BANDS, SLOTS, Signature

PARAS = [
    "2月5日，无锡市在中航工业雷华电子技术研究所召开在锡大院大所科技创新工作座谈会，听取意见建议。",
    "会上市长赵建军强调，要不断放大“三个效应”，打造具有全球影响力的产业科技创新高地。",
    "当前无锡推进科技创新要坚持聚焦聚力、群策群力，走深走实、走在前列。",
    "为新质生产力积蓄新动能，无锡将进一步深化与大院大所的合作，推动成果就地转化。",
    "座谈会上，与会代表围绕人才引进、平台建设、成果转化等方面交流了意见。",
]
TEXT = "\n\n".join(PARAS)
OTHER = ("中国人民银行授权全国银行间同业拆借中心公布，2024年5月20日贷款市场报价利率为："
         "1年期LPR为3.45%，5年期以上LPR为3.95%。以上LPR在下一次发布LPR之前有效。") * 2


def _sig(text: str) -> Signature:
    sig = signature(text)
    assert sig is not None
    return sig


def test_light_repost_matches_and_shares_bands() -> None:
    repost = "本文转自：人民资讯\n\n" + TEXT.replace("，", ",") + "\n\n（责任编辑：张三）"
    a, b = _sig(TEXT), _sig(repost)
    assert is_near_duplicate(similarity(a, b))
    assert set(band_keys(a)) & set(band_keys(b))


def test_reordered_and_trimmed_repost_matches() -> None:
    shuffled = PARAS[:]
    random.Random(3).shuffle(shuffled)
    heavy = "\n\n".join(shuffled[:4])
    score = similarity(_sig(TEXT), _sig(heavy))
    assert is_near_duplicate(score), score


def test_unrelated_bodies_do_not_match() -> None:
    score = similarity(_sig(TEXT), _sig(OTHER))
    assert not is_near_duplicate(score)
    assert score.jaccard < 0.1


def test_signature_is_stable_and_round_trips() -> None:
    sig = _sig(TEXT)
    assert len(sig.values) == SLOTS
    assert len(band_keys(sig)) == BANDS
    assert Signature.from_bytes(sig.to_bytes(), sig.shingles) == sig
    assert band_keys(sig) == band_keys(_sig(TEXT))
    assert all(0 <= k < 2**63 for k in band_keys(sig))
    assert signature("太短了") is None


@given(st.text(min_size=0, max_size=400))
def test_signature_never_fails(text: str) -> None:
    sig = signature(text)
    if sig is not None:
        assert similarity(sig, sig).jaccard == 1.0
