"""One query-count helper for every test: it prints the SQL when the count is off."""

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _listing(captured: CaptureQueriesContext) -> str:
    return "\n".join(
        f"{number}. {query['sql']}" for number, query in enumerate(captured.captured_queries, 1)
    )


@contextmanager
def assert_max_queries(limit: int):
    """Fail when the block runs more than ``limit`` queries, listing them."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    assert len(captured) <= limit, (
        f"{len(captured)} queries, at most {limit} expected:\n{_listing(captured)}"
    )


def count_queries(action) -> tuple[int, str]:
    """Run ``action()`` and return how many queries it made, with their SQL."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured), _listing(captured)


def assert_same_query_count(few, many) -> None:
    """``few`` and ``many`` are callables showing the same page over 3 and 30 rows: they
    must cost the same number of queries."""
    # One unmeasured visit first: what a process reads once and caches (platform
    # settings) is not part of what the page costs per row.
    few()
    few_count, few_sql = count_queries(few)
    many_count, many_sql = count_queries(many)
    assert few_count == many_count, (
        f"{few_count} queries for few rows but {many_count} for many.\n"
        f"-- few:\n{few_sql}\n-- many:\n{many_sql}"
    )
