"""The offline demo web: generated news sites, syndicators and feeds served from 127.0.0.1.

``build_site()`` returns a :class:`DemoWeb` (every URL's response plus the ground truth);
``serve()`` starts a :class:`~newslake_demo.server.DemoServer` for it. Sites are routed by
the ``Host`` header, so a crawler reaches ``http://www.politico.com/...`` by connecting to
the server's address.
"""

from __future__ import annotations

from newslake_demo.build import build_site
from newslake_demo.model import DemoArticle, DemoComment, DemoFeed, DemoWeb, Site
from newslake_demo.server import DemoServer, serve

__all__ = ["DemoArticle", "DemoComment", "DemoFeed", "DemoServer", "DemoWeb", "Site",
           "build_site", "serve"]
