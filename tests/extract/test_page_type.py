"""Page type: article pages stay articles; shop, forum, docs and listing pages are rejected."""

from __future__ import annotations

import json
import math

import pytest
from extract_fixtures import article_html
from hypothesis import given, settings
from hypothesis import strategies as st
from newslake.exceptions import ConfigError
from newslake.extract import Hints, extract_page
from newslake.extract.page_features import COUNTS
from newslake.extract.page_type import CLASSES, PAGE_TYPES, PageTypeModel, Tree, model
from newslake.sources import parse_sources

_PROSE = (
    "The council met on Tuesday evening and voted to approve the budget for the harbour, "
    "after a long debate in which members argued about the cost of the new quay walls."
)


def _article() -> str:
    head = (
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2022-04-03T09:00:00Z">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour",'
        ' "datePublished": "2022-04-03", "author": {"@type": "Person", "name": "Ann Lee"}}'
        "</script>"
    )
    return article_html(8, head=head)


def _product() -> str:
    cards = "".join(
        f'<li class="product-item"><a href="/p/{i}">Blue kettle {i}</a> $19.{i}9 '
        f"<button>Add to cart</button></li>"
        for i in range(12)
    )
    return (
        "<html><head><title>Blue kettle | Shop</title>"
        '<script type="application/ld+json">{"@type": "Product", "name": "Blue kettle",'
        ' "offers": {"@type": "Offer", "price": "19.99"}}</script></head><body>'
        "<h1>Blue kettle</h1><p>Price: $19.99. In stock. Free shipping over $50.</p>"
        "<form><select><option>1</option></select><input name=qty>"
        "<button>Add to cart</button><button>Buy now</button></form>"
        f"<p>{_PROSE}</p><ul>{cards}</ul></body></html>"
    )


def _forum() -> str:
    posts = "".join(
        f'<div class="post"><div class="username">user{i}</div><span>Joined: 2019 Posts: 4{i}'
        f"</span><p>Reply {i}: I had the same problem with my router and the update fixed it "
        f"for me after a restart, thanks for the tip everyone.</p><a>Quote</a> <a>Reply</a>"
        f"<a>Report post</a></div>"
        for i in range(10)
    )
    return (
        "<html><head><title>Router drops connection - Forum</title>"
        '<script type="application/ld+json">{"@type": "DiscussionForumPosting",'
        ' "headline": "Router drops connection"}</script></head><body>'
        f"<h1>Router drops connection</h1>{posts}</body></html>"
    )


def test_shipped_model_loads_and_is_small() -> None:
    shipped = model()
    assert 0.0 < shipped.threshold < 1.0
    assert len(shipped.features) < 150 and 10 <= len(shipped.trees) <= 1000
    assert len(shipped.to_json()) < 400_000
    again = PageTypeModel.from_json(shipped.to_json())
    assert again.features == shipped.features and again.threshold == shipped.threshold
    assert again.trees[0].features == shipped.trees[0].features
    with pytest.raises(ValueError, match="classes"):
        PageTypeModel.from_json(json.dumps({**json.loads(shipped.to_json()), "classes": ["x"]}))


def _one_tree_model(threshold: float = 0.5) -> PageTypeModel:
    """Two questions, cart > 1 (bit 0) and prose > 0.5 (bit 1), scoring article vs product."""
    k = len(CLASSES)
    article, product = CLASSES.index("article"), CLASSES.index("product")

    def leaf(a: float, p: float) -> tuple[float, ...]:
        return tuple(a if c == article else p if c == product else -5.0 for c in range(k))

    tree = Tree((1, 0), (1.0, 0.5), (leaf(0, 0), leaf(-2, 2), leaf(3, -1), leaf(0, 1)))
    return PageTypeModel(("prose", "cart"), (0.0,) * k, (tree,), threshold)


def test_tree_model_scores_explains_and_round_trips() -> None:
    m = _one_tree_model()
    probs = m.probabilities({"prose": 0.9, "cart": 0.0})  # leaf 2: article 3, product -1
    others = 5 * math.exp(-5.0)
    assert probs["article"] == pytest.approx(math.exp(3) / (math.exp(3) + math.exp(-1) + others))
    story = m.classify({"prose": 0.9})
    assert story.page_type == "article" and story.signals == ("cart=0.00", "prose=0.90")
    shop = m.classify({"prose": 0.1, "cart": 2.0})  # leaf 1: product wins
    assert shop.page_type == "product" and shop.signals == ("cart=2.00", "prose=0.10")
    assert "page_type=product" in shop.detail()
    again = PageTypeModel.from_json(m.to_json())
    assert again == m
    assert m.with_threshold(0.99).classify({"prose": 0.9}).page_type != "article"
    bad = json.loads(m.to_json())
    bad["trees"][0]["leaves"] = bad["trees"][0]["leaves"][:3]
    with pytest.raises(ValueError, match="tree"):
        PageTypeModel.from_json(json.dumps(bad))
    bad["trees"][0]["leaves"], bad["trees"][0]["features"] = json.loads(m.to_json())["trees"][0][
        "leaves"], [1, 5]
    with pytest.raises(ValueError, match="tree"):
        PageTypeModel.from_json(json.dumps(bad))


def test_article_is_kept_with_its_type(make_page) -> None:
    article = extract_page(make_page(_article()), Hints()).article
    assert article is not None and article["page_type"] == "article"


@pytest.mark.parametrize(
    ("html", "url", "kind"),
    [
        (_product, "https://shop.example.com/products/blue-kettle", "product"),
        (_forum, "https://forum.example.com/threads/router-drops-connection.123/", "forum"),
    ],
)
def test_non_articles_are_rejected_naming_type_and_signals(make_page, html, url, kind) -> None:
    outcome = extract_page(make_page(html(), url=url), Hints())
    assert outcome.article is None
    assert outcome.rejection["reason"] == "not_article"
    assert f"page_type={kind}" in outcome.rejection["detail"]
    assert "signals:" in outcome.rejection["detail"]


def test_accepted_page_types_keep_other_pages(make_page) -> None:
    url = "https://forum.example.com/threads/router-drops-connection.123/"
    kept = extract_page(make_page(_forum(), url=url), Hints(accepted_page_types=None)).article
    assert kept is not None and kept["page_type"] == "forum"
    only = Hints(accepted_page_types=frozenset({"forum"}))
    assert extract_page(make_page(_forum(), url=url), only).article is not None
    assert extract_page(make_page(_article()), only).rejection["reason"] == "not_article"


def test_sources_page_types_key() -> None:
    text = ("sources:\n  - id: a\n    url: https://a.example.com/feed\n"
            "    page_types: [article, forum]\n")
    assert parse_sources(text, "s.yaml").sources[0].page_types == {"article", "forum"}
    default = parse_sources("sources:\n  - id: a\n    url: https://a.example.com/feed\n")
    assert default.sources[0].page_types == {"article"}
    bad = "sources:\n  - id: a\n    url: https://a.example.com/feed\n    page_types: [blog]\n"
    with pytest.raises(ConfigError) as err:
        parse_sources(bad, "s.yaml")
    assert str(err.value).startswith("s.yaml:4: sources[0].page_types: 'blog' is not one of")
    assert "\n" not in str(err.value)
    assert set(PAGE_TYPES) >= {"article", "listing", "forum", "product", "service",
                               "documentation", "collection", "other"}


def test_import_warc_page_types_option(tmp_path, capsys) -> None:
    from newslake.cli import main
    from newslake.cli.ingest import _page_types

    assert _page_types("article,forum") == {"article", "forum"}
    assert _page_types("any") is None
    warc = tmp_path / "x.warc.gz"
    warc.write_bytes(b"")
    assert main(["import-warc", "--lake", str(tmp_path / "lake"), str(warc),
                 "--page-types", "article,blog"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newslake import-warc: --page-types: blog given; expected any or")
    assert "\n" not in err


def test_sibling_run_counts_the_longest_run_of_like_siblings_under_one_parent() -> None:
    import math

    from lxml.html import fromstring
    from newslake.extract.page_features import _dom_features

    groups = "".join(
        f'<ul class="g{g}">' + f'<li class="card">item {g}</li>' * size + "</ul>"
        for g, size in enumerate((3, 7, 3, 3, 5))
    )
    tree = fromstring(f"<html><body><main>{groups}</main></body></html>")
    for _ in range(20):  # the same answer every time: no dependence on memory layout
        assert _dom_features(tree)[0]["sibling_run"] == pytest.approx(math.log1p(7))


def test_contributions_are_half_the_change_of_each_flipped_split() -> None:
    import numpy as np

    m = model()
    rows = [{}, {name: 1.0 for name in m.features}, {"og_article": 1.0, "body_words": 0.9}]
    for row in rows:
        index = m.leaf_indices(m.matrix([row]))[0]
        for a, b in ((0, 1), (2, 0)):
            want = np.zeros(len(m.features))
            for tree, leaf in zip(m.trees, index, strict=True):
                for level, feature in enumerate(tree.features):
                    other = tree.leaves[leaf ^ (1 << level)]
                    here = tree.leaves[leaf]
                    want[feature] += ((here[a] - here[b]) - (other[a] - other[b])) / 2
            assert np.allclose(m.contributions(index, a, b), want)


def test_article_bound_takes_the_worst_leaf_the_unknown_features_allow() -> None:
    m = _one_tree_model()
    others = 5 * math.exp(-5.0)
    # prose 0.9 leaves leaf 2 (article 3, product -1) or, with much cart, leaf 3 (0 and 1)
    worst = math.exp(0) / (math.exp(0) + math.exp(1) + others)
    assert m.article_bound({"prose": 0.9}, ("cart",)) == pytest.approx(worst)
    assert m.article_bound({"prose": 0.9, "cart": 0.0}, ()) == pytest.approx(
        m.probabilities({"prose": 0.9, "cart": 0.0})["article"]
    )


def _signals_of(html: str) -> dict[str, float]:
    from extract_fixtures import FakePage
    from newslake.extract.page import page_signals

    url = "https://news.example.com/2022/04/03/story"
    row = page_signals(FakePage(url=url, body=html.encode(), final_url=url))
    assert row is not None
    return row


_COUNT_VALUES = st.floats(min_value=0.0, max_value=6.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({name: _COUNT_VALUES for name in COUNTS}), st.booleans())
def test_lazy_page_type_equals_the_full_classification(counts, story: bool) -> None:
    from newslake.extract.page_type import classify, classify_unless_article

    page = article_html() if story else article_html(
        body_paragraphs=1, extra_body="<ul>" + "<li><a href='/p/1'>Buy now $12</a></li>" * 30
        + "</ul>")
    known = {k: v for k, v in _signals_of(page).items() if k not in COUNTS}
    full = classify(known | counts)
    asked = []

    def rest() -> dict[str, float]:
        asked.append(True)
        return counts

    lazy = classify_unless_article(known, COUNTS, rest)
    assert lazy.page_type == full.page_type
    assert model().article_bound(known, COUNTS) <= full.p_article + 1e-4
    if asked:
        assert lazy == full  # read in full: the very same decision, P(article) and signals
