"""Article text: captions, credits, share lines, bylines, datelines and site furniture out."""

from __future__ import annotations

import pyarrow as pa
from newslake.dedup.text import SITE_REPEAT_PAGES, article_text, site_furniture

PARAGRAPH = (
    "The two leaders met for more than two hours behind closed doors in the presidential "
    "palace, with only their interpreters present, before a joint news conference that "
    "stretched well past its scheduled end."
)


def _clean(lines: list[str], furniture: list[str] | None = None) -> list[str]:
    body = pa.array(["\n".join(lines)], pa.large_string())
    extra = pa.array(furniture, pa.large_string()) if furniture is not None else None
    return article_text(body, extra)[0].as_py().split("\n")


def test_captions_with_credits_are_not_text():
    lines = [
        PARAGRAPH,
        "FILE - In this July 16, 2018, file photo, the president speaks during a news "
        "conference in Helsinki, Finland. (AP Photo/Pablo Martinez Monsivais, File)",
        "Protesters gather outside the palace on Monday. (Reuters/Jane Doe)",
        "In this image taken from video, the two men shake hands at the start of the meeting.",
        "Photo: John Smith / Getty Images",
    ]
    assert _clean(lines) == [PARAGRAPH]


def test_short_credit_share_promo_byline_and_stamp_lines_are_not_text():
    lines = [
        "Share this story: Facebook Twitter Email",
        "By JILL COLVIN and JONATHAN LEMIRE",
        "Updated 5:54 p.m. July 16, 2018",
        "5:54 p.m.",
        PARAGRAPH,
        "Courtesy of the White House",
        "Sign up for our breaking news alerts.",
        "Copyright 2018 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed.",
        "This is a developing story. Check back for updates.",
    ]
    assert _clean(lines) == [PARAGRAPH]


def test_article_sentences_that_mention_photos_or_platforms_stay():
    lines = [
        "He said on Twitter that the meeting had gone better than expected.",
        "The photographs, which were taken by a palace aide, were later released to the press "
        "along with a transcript of the opening remarks and a list of the delegations present.",
        "By the end of the day, officials on both sides described the talks as frank.",
    ]
    assert _clean(lines) == lines


def test_datelines_are_cut_from_the_paragraph():
    out = _clean([f"HELSINKI (AP) — {PARAGRAPH}", f"LONDON, England (Reuters) - {PARAGRAPH}",
                  f"WASHINGTON -- {PARAGRAPH}", f"Putin - {PARAGRAPH}"])
    assert out[:3] == [PARAGRAPH] * 3
    assert out[3] == f"Putin - {PARAGRAPH}"  # not a capitalised place name: kept whole


def test_lines_one_site_repeats_are_furniture_unless_another_site_carries_them():
    chrome = "The Valley Courier has covered the county since 1921, independent and local."
    wire = "Officials said the talks would resume next week in Brussels, a spokesman said."
    bodies, sites = [], []
    for n in range(SITE_REPEAT_PAGES):
        bodies.append(f"{PARAGRAPH} {n}\n{chrome}\n{wire}")
        sites.append("valleycourier.com")
    bodies.append(f"Another story entirely, number {n}.\n{wire}")
    sites.append("otherpaper.com")
    found = site_furniture(pa.array(bodies), pa.array(sites))
    assert found.to_pylist() == [chrome]
    cleaned = article_text(pa.array(bodies), found).to_pylist()
    assert all(chrome not in text and wire in text for text in cleaned)


def test_a_line_repeated_on_too_few_pages_is_kept():
    chrome = "The Valley Courier has covered the county since 1921, independent and local."
    bodies = [f"{PARAGRAPH} {n}\n{chrome}" for n in range(SITE_REPEAT_PAGES - 1)]
    found = site_furniture(pa.array(bodies), pa.array(["valleycourier.com"] * len(bodies)))
    assert len(found) == 0


def test_long_single_line_bodies_pass_through_and_nulls_become_empty():
    long = " ".join(["word"] * 400) + " (AP Photo/Someone)"
    out = article_text(pa.array([long, None, ""], pa.large_string())).to_pylist()
    assert out == [long, "", ""]
