"""WARC files on an s3:// lake (moto on 127.0.0.1): written in one piece, read back."""

from __future__ import annotations

import pytest
from newslake.crawl import fetch_pages
from newslake.crawl.warc import iter_responses

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]  # a local S3 server
BUCKET = "newslake-crawl-test"


def test_fetch_into_s3_warc(s3_bucket, s3_endpoint, server, make_config):
    import boto3

    s3_bucket(BUCKET)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
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
