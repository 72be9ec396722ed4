"""The AWS SDK for JavaScript v3 (`@aws-sdk/client-s3` from the npm registry) in a Node.js
handler reaches the sandbox's S3 through AWS_ENDPOINT_URL alone: a string body, a streamed
body (sent aws-chunked with a CRC32 trailer, which the sandbox checks), read back."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pyarc.testing import Sandbox

from .conftest import write_app

CLIENT_S3 = "@aws-sdk/client-s3@3"

MANIFEST = """\
@app
jss3

@aws
runtime nodejs20.x

@http
post /upload

@static
"""

FILES = {
    "src/http/post-upload/index.mjs": """
        import { S3Client, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3'
        import { Readable } from 'node:stream'

        const s3 = new S3Client({})  // region, credentials and endpoint: the environment's
        const Bucket = process.env.ARC_STATIC_BUCKET

        export async function handler (event) {
          const text = JSON.parse(event.body).text
          await s3.send(new PutObjectCommand({ Bucket, Key: 'notes/plain.txt', Body: text,
                                               ContentType: 'text/plain' }))
          const parts = [Buffer.from(text), Buffer.from(' (streamed)')]
          const length = parts.reduce((sum, part) => sum + part.length, 0)
          await s3.send(new PutObjectCommand({ Bucket, Key: 'notes/streamed.txt',
                                               Body: Readable.from(parts), ContentLength: length,
                                               ContentType: 'text/plain' }))
          const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'notes/streamed.txt',
                                                           ChecksumMode: 'ENABLED' }))
          return { statusCode: 200, body: JSON.stringify({
            read: await got.Body.transformToString(), crc32: got.ChecksumCRC32 || null }) }
        }
    """,
}


@pytest.fixture(scope="module")
def client_s3(request: pytest.FixtureRequest) -> Path:
    """A `node_modules` holding the real @aws-sdk/client-s3, installed once into pytest's cache."""
    folder = Path(request.config.cache.mkdir("npm-aws-sdk-client-s3"))
    installed = folder / "node_modules" / "@aws-sdk" / "client-s3" / "package.json"
    if not installed.is_file():
        (folder / "package.json").write_text('{"name": "fixture", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", CLIENT_S3],
            cwd=folder, check=True, timeout=300,
        )
    return folder / "node_modules"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory, client_s3: Path) -> Iterator[Sandbox]:
    app = write_app(tmp_path_factory.mktemp("jss3"), MANIFEST, FILES)
    (app / "public").mkdir()
    (app / "node_modules").symlink_to(client_s3, target_is_directory=True)
    with Sandbox(app, watch=False) as running:
        yield running


def test_the_javascript_sdk_puts_and_gets_through_the_endpoint(sandbox: Sandbox) -> None:
    answer = httpx.post(f"{sandbox.url}/upload", json={"text": "from node"}, timeout=60)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["read"] == "from node (streamed)"
    assert result["crc32"]  # the trailer's CRC32, checked on the way in, given back
    for key, text in (("plain", "from node"), ("streamed", "from node (streamed)")):
        served = httpx.get(f"{sandbox.url}/_static/notes/{key}.txt")
        assert (served.status_code, served.text) == (200, text)
