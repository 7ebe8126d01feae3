"""A real S3 HTTP endpoint on loopback for the object-store tests: moto's server mode.

boto3 talks to it over HTTP exactly as to AWS or MinIO (signing, ranged GETs,
multipart uploads); nothing in kuaizhao is patched. Buckets live in the test process's
memory, so each test makes its own with `new_bucket`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

KEY_ID = "kuaizhao-test"
SECRET = "kuaizhao-test-secret"  # noqa: S105 (moto accepts any key; nothing real)


@contextmanager
def moto_s3() -> Iterator[str]:
    """Run the server on a free loopback port; yields its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def client(endpoint: str) -> Any:
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)


def new_bucket(endpoint: str) -> str:
    name = f"kz-{uuid.uuid4().hex[:16]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def s3_overrides(endpoint: str, bucket: str, prefix: str = "archive/warc") -> dict[str, Any]:
    """Settings overrides that put an archive's WARC files in `bucket`."""
    return {"warc_storage": "s3", "s3_bucket": bucket, "s3_prefix": prefix,
            "s3_endpoint_url": endpoint, "s3_region": "us-east-1",
            "s3_access_key_id": KEY_ID, "s3_secret_access_key": SECRET}
