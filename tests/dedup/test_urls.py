"""Properties of URL canonicalisation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from newslake.dedup import canonicalize_url
from newslake.dedup.urls import TRACKING_PARAMS, TRACKING_PREFIXES

_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
_hosts = st.lists(_label, min_size=1, max_size=3).map(lambda p: ".".join(p) + ".com")
_segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~%é", min_size=1, max_size=12)
_paths = st.lists(_segment, min_size=0, max_size=4).map(lambda s: "/" + "/".join(s))
_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8).filter(
    lambda k: k not in TRACKING_PARAMS and not k.startswith(TRACKING_PREFIXES)
)
_params = st.lists(st.tuples(_keys, _label), max_size=4, unique_by=lambda kv: kv[0])
_tracking = st.lists(
    st.tuples(st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid", "utm_campaign",
                               "mc_cid", "_ga", "ref_src"]), _label),
    min_size=1, max_size=3,
)


def _url(scheme: str, host: str, path: str, params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params)
    return f"{scheme}://{host}{path}" + (f"?{query}" if query else "")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["http", "https", "HTTPS"]), _hosts, _paths, _params)
def test_idempotent(scheme, host, path, params):
    once = canonicalize_url(_url(scheme, host, path, params))
    assert canonicalize_url(once) == once


@settings(max_examples=200, deadline=None)
@given(_hosts, _paths, _params, _tracking, _label)
def test_spelling_variants_collapse(host, path, params, tracking, fragment):
    base = canonicalize_url(_url("https", host, path, params))
    variants = [
        _url("http", host, path, params),
        _url("https", "www." + host.upper(), path, params),
        _url("https", host, path, params + tracking),
        _url("https", host, path, list(reversed(params))),
        _url("https", host, path, params) + "#" + fragment,
        _url("https", host + ":443", path, params),
    ]
    if path != "/":
        variants.append(_url("https", host, path + "/", params))
        variants.append(_url("https", host, path + "/amp", params))
        variants.append(_url("https", host, "/amp" + path, params))
    for variant in variants:
        assert canonicalize_url(variant) == base, variant


@settings(max_examples=200, deadline=None)
@given(_hosts, _paths, _params, _keys, _label, _label)
def test_meaningful_parameters_kept(host, path, params, key, one, two):
    params = [(k, v) for k, v in params if k != key]
    a = canonicalize_url(_url("https", host, path, params + [(key, one)]))
    b = canonicalize_url(_url("https", host, path, params + [(key, two)]))
    assert (a == b) == (one == two)


@settings(max_examples=200, deadline=None)
@given(_hosts, _hosts, _paths)
def test_different_hosts_stay_apart(a, b, path):
    assert (canonicalize_url(f"https://{a}{path}") == canonicalize_url(f"https://{b}{path}")) == (
        a == b
    )


def test_examples():
    assert canonicalize_url(
        "http://www.Example.com/news/story/amp/?utm_source=tw&b=2&a=1#top"
    ) == "https://example.com/news/story?a=1&b=2"
    assert canonicalize_url("https://example.com/a.amp?outputType=amp") == "https://example.com/a"
    assert canonicalize_url("https://example.com:8080/x/") == "https://example.com:8080/x"
    assert canonicalize_url("https://example.com") == "https://example.com/"
    assert canonicalize_url("https://example.com/a%7Eb/%e2%82%ac") == "https://example.com/a~b/%E2%82%AC"
