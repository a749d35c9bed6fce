"""URL canonicalisation: one spelling per page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "cmpid"}
)
TRACKING_PREFIXES = ("utm_", "_ga", "_hs")


def canonicalize_url(url: str) -> str:
    """Normalise ``url``: https scheme, lower-case host without ``www.``, no fragment,
    no tracking parameters, sorted query, no trailing slash, no AMP suffix."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path or "/"
    for suffix in ("/amp", "/amp/", ".amp"):
        if path.endswith(suffix):
            path = path[: -len(suffix)] or "/"
    if path.startswith("/amp/"):
        path = path[4:]
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
        and k.lower() not in {"amp", "outputtype"}
    ]
    return urlunsplit(("https", netloc, path, urlencode(sorted(query)), ""))
