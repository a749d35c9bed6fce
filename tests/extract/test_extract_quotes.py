"""Quotes: attributed forms, pronoun resolution only when unambiguous, no titles as quotes."""

from __future__ import annotations

from newslake.extract.quotes import extract_quotes


def test_quote_then_named_speaker() -> None:
    assert extract_quotes(['"We will rebuild the bridge by spring," Mayor Ann Lee said.']) == [
        ("Ann Lee", "We will rebuild the bridge by spring")
    ]


def test_quote_then_said_name() -> None:
    assert extract_quotes(["“The budget is balanced for once,” said Tom Brady."]) == [
        ("Tom Brady", "The budget is balanced for once")
    ]


def test_speaker_then_quote() -> None:
    found = extract_quotes(['Secretary of State Antony Blinken said, "We will look hard at it."'])
    assert found == [("Antony Blinken", "We will look hard at it")]


def test_pronoun_resolved_from_previous_paragraph() -> None:
    paragraphs = [
        "Jens Stoltenberg, the NATO secretary-general, declined to use the word.",
        '"It is a brutality against civilians," he said.',
        '"We should not be too optimistic here," Stoltenberg said.',
    ]
    assert extract_quotes(paragraphs) == [
        ("Jens Stoltenberg", "It is a brutality against civilians"),
        ("Jens Stoltenberg", "We should not be too optimistic here"),
    ]


def test_ambiguous_pronoun_is_left_out() -> None:
    paragraphs = [
        "Ann Lee met Tom Brady on Monday to discuss the plan.",
        '"We disagree on almost every line of it," he said.',
    ]
    assert extract_quotes(paragraphs) == []


def test_show_names_and_scare_quotes_are_not_quotes() -> None:
    paragraphs = [
        'Later, on NBC\'s "Meet the Press," Blinken argued the point again.',
        'Officials declined to call it "genocide," at least not yet.',
    ]
    assert extract_quotes(paragraphs) == []
