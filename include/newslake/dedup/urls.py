"""URL canonicalisation: one spelling per page."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src",
        "cmpid", "yclid", "twclid", "ttclid", "wt.mc_id", "s_cid", "ocid", "sr_share",
        "smid", "smtyp", "spm", "__twitter_impression", "amp", "outputtype", "amp_js_v",
        "usqp", "ncid", "soc_src", "soc_trk", "guccounter", "guce_referrer",
        "guce_referrer_sig",
    }
)
TRACKING_PREFIXES = ("utm_", "_ga", "_hs", "mkt_", "pk_", "hsa_", "oly_", "vero_")
_AMP_SUFFIXES = ("/amp", ".amp", "/amp.html")
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _netloc(parts) -> str:
    host = (parts.hostname or "").lower().rstrip(".")
    while host.startswith("www."):
        host = host[4:]
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port in (None, 80, 443) else f"{host}:{port}"


def _path(raw: str) -> str:
    path = quote(unquote(raw), safe=_SAFE_PATH) or "/"
    path = re.sub(r"/{2,}", "/", path)
    previous = None
    while path != previous:
        previous = path
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        if path.startswith("/amp/"):
            path = path[4:]
        for suffix in _AMP_SUFFIXES:
            if path.endswith(suffix) and len(path) > len(suffix):
                path = path[: -len(suffix)]
                break
    return path


def canonicalize_url(url: str) -> str:
    """Normalise ``url`` to the one spelling of its page.

    https scheme, lower-case host without ``www.`` or default port, no fragment or user
    info, no tracking parameters (``utm_*``, ``fbclid``, ...), sorted query, normalised
    percent-escapes, no duplicate or trailing slash, no AMP path (``/amp/``, ``/amp``,
    ``.amp``, ``?amp``). Idempotent: canonicalising a canonical URL returns it unchanged.
    """
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k)
    ]
    return urlunsplit(("https", _netloc(parts), _path(parts.path), urlencode(sorted(query)), ""))
