"""WARC files on an s3:// lake (moto on 127.0.0.1): written in one piece, read back."""

from __future__ import annotations

import pytest
from newslake.crawl import fetch_pages
from newslake.crawl.warc import iter_responses

pytestmark = pytest.mark.timeout(120)
BUCKET = "newslake-crawl-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    server_mod = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_fetch_into_s3_warc(s3_endpoint, monkeypatch, server, make_config):
    import boto3

    for key, value in {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    uri = f"s3://{BUCKET}/lake/raw/crawl_date=2022-04-03/ingest-0000.warc.gz"
    result = fetch_pages(
        [{"url": "http://faults.test/article/s3", "source_id": "faults"},
         {"url": "http://faults.test/404", "source_id": "faults"}],
        make_config(server.address), warc_path=uri)
    assert result.ok == 1 and {r["warc_file"] for r in result.fetch_log} == {uri}
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == ["lake/raw/crawl_date=2022-04-03/ingest-0000.warc.gz"]
    pages = {p.final_url: p for p in iter_responses(uri)}
    assert pages["http://faults.test/article/s3"].body.startswith(b"<!DOCTYPE html>")
    assert pages["http://faults.test/404"].status == 404
    assert all(p.warc_file == uri for p in pages.values())
