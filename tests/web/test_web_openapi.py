"""schemathesis against the served OpenAPI document: every check, bounded examples,
the operations behind a login included (an admin's API token).

Run as `schemathesis run` runs it, on a real uvicorn on loopback, so the phases that
found the reported faults (coverage: missing required parameters, undeclared methods
and their `Allow`; fuzzing; stateful links) all run. `schemathesis.toml` beside this
file lists the few refusals JSON Schema cannot express, with their reasons.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from account_client import account_app, client, sign_up
from live_server import live_server
from takedown_client import make_admin

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 8


@pytest.mark.slow
async def test_schemathesis_finds_no_failure(tmp_path: Path, fast_argon2: None) -> None:
    app, archive = account_app(tmp_path / "home")
    try:
        async with client(app) as c:
            # Generated ids are mostly small: the test admin and its token get larger
            # ones, so a DELETE of token 1 or a role change of user 1 does not end the run.
            for n in range(3):
                async with client(app) as other:
                    await sign_up(other, f"reader{n}")
            await make_admin(c, archive)
            csrf = (await c.get("/api/v1/account")).json()["csrf_token"]
            for n in range(30):
                await c.post("/api/v1/account/tokens", json={"name": f"spare {n}"},
                             headers={"X-CSRF-Token": csrf})
            made = await c.post("/api/v1/account/tokens", json={"name": "schemathesis"},
                                headers={"X-CSRF-Token": csrf})
            token = made.json()["token"]
        with live_server(app) as base:
            run = subprocess.run(
                [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run",
                 f"{base}/api/v1/openapi.json", "--checks", "all",
                 "--max-examples", str(MAX_EXAMPLES), "--seed", "20",
                 "--generation-deterministic", "--workers", "1", "--no-color",
                 "-H", f"Authorization: Bearer {token}"],
                capture_output=True, text=True, timeout=600, check=False,
                env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"}, cwd=tmp_path)
    finally:
        archive.store.close()
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]
