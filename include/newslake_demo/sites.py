"""The hosts of the demo web: six publishers and three syndicators (outlets other than POLITICO
and the syndicators' hosts are invented)."""

from __future__ import annotations

from newslake_demo.model import Site

PUBLISHERS: tuple[Site, ...] = (
    Site("politico", "www.politico.com", "politico.com", "POLITICO", "rss", "/rss/politics.xml",
         sections=("Congress", "White House", "World", "Policy", "States"),
         staff=("Jordan Wolman", "Avery Lindstrom", "Marisol Okonjo"), accent="#b8001f",
         followers="197K+", posts="11K+", views="93M+", city="Washington, DC"),
    Site("meridian", "www.meridianledger.com", "meridianledger.com", "The Meridian Ledger",
         "atom", "/feeds/latest.atom", staff=("Hollis Brandt", "Celeste Amari", "Odette Varga"),
         accent="#1d3557", followers="48K+", posts="6K+", views="21M+", city="Marlow Bay"),
    Site("harbourpost", "www.harbourcitypost.co.uk", "harbourcitypost.co.uk",
         "Harbour City Post", "news_sitemap", "/sitemap_news.xml", locale="en_GB",
         staff=("Fenella Parkhurst", "Rhys Abernethy", "Imogen Castellano"), accent="#005f73",
         followers="31K+", posts="9K+", views="14M+", city="Calloway"),
    Site("northwind", "www.northwindtimes.ca", "northwindtimes.ca", "Northwind Times",
         "jsonfeed", "/feed.json", locale="en_CA",
         staff=("Mathis Tremblay", "Jun Nakagawa-Reid", "Solveig Anders"), accent="#2a6f2b",
         followers="22K+", posts="4K+", views="8M+", city="Ridgefield"),
    Site("civicwire", "www.civicwire.net", "civicwire.net", "CivicWire", "sitemap_index",
         "/sitemap_index.xml", staff=("Desmond Achebe", "Paloma Reyes-Whitfield", "Gus Larkin"),
         accent="#6a040f", followers="15K+", posts="3K+", views="5M+", city="Fenwick"),
    Site("lakeside", "www.lakesidegazette.com.au", "lakesidegazette.com.au",
         "Lakeside Gazette", "rss", "/rss.xml", locale="en_AU",
         staff=("Bronwyn Fairweather", "Kieran Mulholland", "Talia Georgiou"), accent="#7b2cbf",
         followers="12K+", posts="2K+", views="3M+", city="Tillman Falls"),
)
"""Original publishers; each carries JSON-LD, OpenGraph and rel=canonical on article pages."""

NEWSBREAK = Site("newsbreak", "www.newsbreak.com", "newsbreak.com", "NewsBreak", "rss",
                 "/feeds/world.xml", syndicator="newsbreak", accent="#d7263d")
YAHOO = Site("yahoo", "news.yahoo.com", "yahoo.com", "Yahoo News", "atom", "/rss/world.atom",
             syndicator="yahoo", accent="#6001d2")
DIGEST = Site("digest", "www.newslinedigest.com", "newslinedigest.com", "Newsline Digest",
              "auto", "/latest.rss", syndicator="attribution", accent="#333")
SYNDICATORS: tuple[Site, ...] = (NEWSBREAK, YAHOO, DIGEST)

MALFORMED_FEED = "http://www.meridianledger.com/feeds/opinion.xml"
"""A separate source whose XML is broken (an unclosed element, then garbage)."""


def site_by_key(key: str) -> Site:
    """The site with ``key``."""
    for site in (*PUBLISHERS, *SYNDICATORS):
        if site.key == key:
            return site
    raise KeyError(key)
