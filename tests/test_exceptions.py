"""The error tree: every failure class in it, each marked transient or terminal."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest
from newslake import exceptions as ex
from newslake.lake.schema import ERROR_CLASSES

PACKAGE = Path(ex.__file__).resolve().parent
TRANSIENT_FETCH = {"timeout", "connect", "http_5xx", "http_429"}


def _concrete() -> list[type[BaseException]]:
    markers = {ex.NewslakeError, ex.TransientError, ex.TerminalError, ex.CrawlError,
               ex.FetchFailure}
    return [obj for obj in vars(ex).values()
            if isinstance(obj, type) and issubclass(obj, ex.NewslakeError) and obj not in markers]


@pytest.mark.parametrize("cls", _concrete(), ids=lambda c: c.__name__)
def test_every_concrete_error_carries_exactly_one_marker(cls) -> None:
    transient, terminal = issubclass(cls, ex.TransientError), issubclass(cls, ex.TerminalError)
    assert transient != terminal, f"{cls.__name__}: transient={transient} terminal={terminal}"
    assert cls.__name__ in ex.__doc__, f"{cls.__name__} is missing from the drawn tree"


def test_no_failure_class_outside_the_tree() -> None:
    """No module of the package defines its own exception class."""
    stray = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "exceptions.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b) for b in node.bases]
                if any(b.endswith(("Exception", "Error", "Failure", "Timeout", "Failed",
                                   "Rejected")) for b in bases):
                    stray.append(f"{path.relative_to(PACKAGE)}: {node.name}({', '.join(bases)})")
    assert stray == []


@pytest.mark.parametrize("error_class", sorted(set(ERROR_CLASSES) - {"not_modified"}))
def test_fetch_failure_builds_the_subclass_of_its_error_class(error_class) -> None:
    failure = ex.FetchFailure(error_class, "detail", 2.0)
    assert isinstance(failure, ex.FetchFailure) and isinstance(failure, ex.CrawlError)
    assert failure.error_class == error_class and failure.detail == "detail"
    assert failure.retry_after == 2.0 and str(failure) == f"{error_class}: detail"
    expected = "transient" if error_class in TRANSIENT_FETCH else "terminal"
    assert ex.retry_policy(failure) == expected


def test_fetch_subclasses_by_name() -> None:
    assert type(ex.FetchFailure("timeout", "x")) is ex.FetchTimeout
    assert type(ex.FetchFailure("connect", "x")) is ex.ConnectFailed
    assert type(ex.FetchFailure("http_5xx", "x")) is ex.ServerError
    assert type(ex.FetchFailure("http_429", "x")) is ex.RateLimited
    assert type(ex.FetchFailure("http_4xx", "x")) is ex.PermanentFetchFailure
    # a subclass named directly stays itself
    assert type(ex.RateLimited("http_429", "x", 1.0)) is ex.RateLimited


@pytest.mark.parametrize("error", [
    ex.FetchFailure("http_5xx", "503 Service Unavailable", 1.0),
    ex.FetchFailure("dns", "no such host"),
    ex.FeedParseError("not a feed"),
    ex.ConfigError("sources.yaml: line 3: bad key"),
    ex.NoLakeError("/tmp/nowhere"),
    ex.ExtractionRejected("too_short", "12 words"),
    ex.PageTimeout("extraction exceeded 10 s"),
    ex.StageFailed("validate", "batch failed validation"),
], ids=lambda e: type(e).__name__)
def test_errors_survive_pickling(error) -> None:
    """Errors cross process boundaries (extraction workers, executors) intact."""
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)
    assert vars(copy) == vars(error)


def test_retry_policy() -> None:
    assert ex.retry_policy(ex.FetchFailure("timeout", "read")) == "transient"
    assert ex.retry_policy(ex.TransientError("lock held")) == "transient"
    assert ex.retry_policy(ex.StageFailed("discover", "all 3 sources failed")) == "terminal"
    assert ex.retry_policy(ex.ConfigError("bad")) == "terminal"
    assert ex.retry_policy(ex.PageTimeout("slow")) == "terminal"
    assert ex.retry_policy(ex.FeedParseError("bad xml")) == "terminal"
    assert ex.retry_policy(ex.NewslakeError("unmarked")) == "bug"
    assert ex.retry_policy(KeyError("x")) == "bug"
    assert ex.retry_policy(OSError("disk")) == "bug"


def test_page_timeout_is_a_parse_error_rejection() -> None:
    error = ex.PageTimeout("extraction exceeded 10 s")
    assert isinstance(error, ex.ExtractionRejected)
    assert error.reason == "parse_error" and error.detail == "extraction exceeded 10 s"
