"""Issue 18 item 8 at send time: a webhook target that passed the check when saved
(a name, which only DNS can tell) but resolves to the metadata address is refused
when the delivery connects; the server there sees nothing."""

from __future__ import annotations

import sys

import pytest
from hostile_web import NetNamespace, Reply, Site

METADATA = Site("169.254.169.254", 80, fallback=Reply(200, "ok"))
SEND = """
import asyncio, sys
from kuaizhao.subscribe.alerts import post_webhook
result = asyncio.run(post_webhook(sys.argv[1], "whsec_test", b"{}",
                                  allow_private=sys.argv[2] == "allow"))
print("sent" if result.ok else f"refused: {result.error}")
"""


@pytest.mark.parametrize("target", ["http://metadata.internal/hook",
                                    "http://169.254.169.254/hook",
                                    "http://[::ffff:a9fe:a9fe]/hook",
                                    "http://2852039166/hook"])
def test_webhook_delivery_to_a_private_address(netns: NetNamespace, target: str) -> None:
    with netns.serving([METADATA]) as hits:
        refused = netns.run([sys.executable, "-c", SEND, target, "deny"], timeout=60)
        assert hits.all() == []
        allowed = netns.run([sys.executable, "-c", SEND, "http://metadata.internal/hook",
                             "allow"], timeout=60)
        assert [h.path for h in hits.all()] == ["/hook"]  # the control: the trap works
    assert refused.stdout.startswith("refused:"), refused.stdout + refused.stderr
    assert "private" in refused.stdout
    assert allowed.stdout.strip() == "sent", allowed.stdout + allowed.stderr
