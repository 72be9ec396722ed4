"""Presigned URLs from a real browser (Debian's chromium driven by Playwright): a page the
sandbox serves PUTs a file straight to a bucket and reads it back, across origins (CORS)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser import chromium

pytestmark = pytest.mark.timeout(120)

UPLOAD = """async ([putUrl, getUrl]) => {
  const put = await fetch(putUrl, {method: "PUT", body: "drawn in the browser",
                                   headers: {"content-type": "text/plain"}});
  const got = await fetch(getUrl);
  return {put: put.status, etag: put.headers.get("etag"), got: got.status, text: await got.text()};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize("signature", ["s3v4", "s3"])
def test_a_presigned_put_from_chromium(sandbox, aws, browser: Browser, signature: str) -> None:
    s3 = aws("s3", signature_version=signature)
    region = sandbox.inventory.aws.region
    bucket = f"browser-{signature}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    where = {"Bucket": bucket, "Key": "drawing.txt"}
    put_url = s3.generate_presigned_url(
        "put_object", Params={**where, "ContentType": "text/plain"}, ExpiresIn=300)
    get_url = s3.generate_presigned_url("get_object", Params=where, ExpiresIn=300)
    page = browser.new_context().new_page()
    page.goto(sandbox.url + "/")  # the page's origin is the sandbox's: CORS allows it
    result = page.evaluate(UPLOAD, [put_url, get_url])
    stored = s3.get_object(**where)
    assert result == {"put": 200, "etag": stored["ETag"], "got": 200,
                      "text": "drawn in the browser"}
    assert (stored["Body"].read(), stored["ContentType"]) == (b"drawn in the browser",
                                                               "text/plain")
    page.context.close()
