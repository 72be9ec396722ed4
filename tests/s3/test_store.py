"""The S3 store's Python API: what the wire app and other callers (table import) use."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pyarc.s3 import S3Error, S3Store
from pyarc.s3.multipart import Multipart
from pyarc.s3.objects import ObjectFields, writer_with


@pytest.fixture(params=["memory", "disk"])
def store(request, tmp_path: Path) -> S3Store:
    made = S3Store(tmp_path / "s3" if request.param == "disk" else None)
    made.create_bucket("things")
    return made


def test_put_get_head_delete(store: S3Store) -> None:
    info = store.put_object("things", "a/b.txt", b"hello", content_type="text/plain",
                            metadata={"owner": "me"})
    assert info.etag == f'"{hashlib.md5(b"hello").hexdigest()}"' and info.size == 5
    assert store.get_object("things", "a/b.txt") == b"hello"
    head = store.head_object("things", "a/b.txt")
    assert (head.content_type, dict(head.metadata)) == ("text/plain", {"owner": "me"})
    assert store.delete_object("things", "a/b.txt") and not store.delete_object("things", "a/b.txt")
    with pytest.raises(S3Error) as caught:
        store.get_object("things", "a/b.txt")
    assert (caught.value.code, caught.value.status) == ("NoSuchKey", 404)


def test_bucket_errors(store: S3Store) -> None:
    codes = []
    for call in (lambda: store.create_bucket("things"), lambda: store.get_object("nope", "k"),
                 lambda: store.create_bucket("Bad_Name")):
        with pytest.raises(S3Error) as caught:
            call()
        codes.append(caught.value.code)
    store.put_object("things", "k", b"x")
    with pytest.raises(S3Error) as caught:
        store.delete_bucket("things")
    assert codes + [caught.value.code] == [
        "BucketAlreadyOwnedByYou", "NoSuchBucket", "InvalidBucketName", "BucketNotEmpty"]


def test_listing_pages_through_prefixes_and_delimiters(store: S3Store) -> None:
    for key in ["a/1", "a/2", "b/1", "b/2/x", "c", "d/1"]:
        store.put_object("things", key, b"")
    page = store.list_objects("things", delimiter="/", max_keys=2)
    assert (page.common_prefixes, page.truncated, page.last) == (["a/", "b/"], True, "b/")
    page = store.list_objects("things", delimiter="/", after=page.last, max_keys=2)
    assert ([o.key for o in page.objects], page.common_prefixes) == (["c"], ["d/"])
    assert not page.truncated
    assert [o.key for o in store.iter_objects("things", prefix="b/")] == ["b/1", "b/2/x"]
    page = store.list_objects("things", prefix="b/", delimiter="/")
    assert ([o.key for o in page.objects], page.common_prefixes) == (["b/1"], ["b/2/"])


def test_disk_buckets_outlive_the_store(tmp_path: Path) -> None:
    S3Store(tmp_path).create_bucket("kept")
    S3Store(tmp_path).put_object("kept", "weird key/../%", b"body")
    again = S3Store(tmp_path)
    assert again.get_object("kept", "weird key/../%") == b"body"
    assert [b.name for b in again.list_buckets()] == ["kept"]


def test_a_folder_bucket_is_the_folder(tmp_path: Path) -> None:
    store = S3Store()
    (tmp_path / "index.html").write_text("<p>hi")
    store.mount_folder("app-static", tmp_path)
    assert store.head_object("app-static", "index.html").content_type == "text/html"
    store.put_object("app-static", "img/logo.svg", b"<svg/>", content_type="image/svg+xml")
    assert (tmp_path / "img" / "logo.svg").read_bytes() == b"<svg/>"
    assert [o.key for o in store.iter_objects("app-static")] == ["img/logo.svg", "index.html"]
    with pytest.raises(S3Error) as caught:
        store.put_object("app-static", "../escape", b"")
    assert caught.value.code == "InvalidArgument" and "static folder" in caught.value.message
    store.delete_object("app-static", "img/logo.svg")
    assert not (tmp_path / "img").exists()
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "out").symlink_to(outside)  # a link out of the folder is not a way out
    with pytest.raises(S3Error):
        store.put_object("app-static", "out/x.txt", b"")
    assert not (outside / "x.txt").exists()


def test_multipart_etag_is_the_md5_of_the_parts_md5s(store: S3Store) -> None:
    multipart = Multipart(store)
    upload = multipart.create("things", "big", ObjectFields("application/zip"))
    first, second = b"a" * (5 * 1024 * 1024), b"tail"
    etags = []
    for number, body in ((1, first), (2, second)):
        writer = writer_with(body, multipart.writer(upload.upload_id, "things", "big", number))
        etags.append(multipart.add_part(upload.upload_id, "things", "big", number, writer).etag)
    info = multipart.complete(upload.upload_id, "things", "big", list(enumerate(etags, 1)))
    joined = hashlib.md5(hashlib.md5(first).digest() + hashlib.md5(second).digest()).hexdigest()
    assert info.etag == f'"{joined}-2"' and info.content_type == "application/zip"
    assert store.get_object("things", "big") == first + second
    with pytest.raises(S3Error) as caught:
        multipart.abort(upload.upload_id, "things", "big")
    assert caught.value.code == "NoSuchUpload"


def test_cors_rules_are_checked_and_kept_on_disk(tmp_path: Path) -> None:
    from pyarc.s3.cors import CorsRule, matching_rule

    store = S3Store(tmp_path)
    store.create_bucket("site")
    rule = CorsRule(("https://*.example.com",), ("GET",), ("*",))
    store.put_bucket_cors("site", [rule])
    kept = S3Store(tmp_path).bucket_cors("site")
    assert kept == [rule]
    assert matching_rule(kept, "https://app.example.com", "GET", ["X-Any"]) == rule
    assert matching_rule(kept, "https://example.org", "GET") is None
    with pytest.raises(S3Error) as caught:
        store.put_bucket_cors("site", [CorsRule(("*",), ("PATCH",))])
    assert caught.value.code == "InvalidRequest"


def test_a_folder_bucket_with_a_prefix_keeps_its_files_under_it(tmp_path: Path) -> None:
    store = S3Store()
    (tmp_path / "app.js").write_text("1")
    store.mount_folder("app-static", tmp_path, prefix="/assets/")  # as @static prefix deploys
    assert [o.key for o in store.iter_objects("app-static")] == ["assets/app.js"]
    store.put_object("app-static", "assets/css/a.css", b"a{}")
    assert (tmp_path / "css" / "a.css").read_text() == "a{}"
    with pytest.raises(S3Error) as caught:
        store.put_object("app-static", "elsewhere.txt", b"")
    assert "below the prefix 'assets/'" in caught.value.message
