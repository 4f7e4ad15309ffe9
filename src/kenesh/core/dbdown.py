"""A plain 503, not a server error, while the database cannot be reached.

When PostgreSQL restarts, fails over or runs out of connections, a request gets
``OperationalError`` (or ``InterfaceError`` on a connection that was cut) wherever it first
touches the database: in a view, or in a middleware that reads the session or the user.
Either way the visitor gets a short page in their language saying that nothing was saved
and to try again, with ``Retry-After``, and the log gets one warning line per request
rather than a traceback for each. The database work of the request was in a transaction
(every service is atomic), so nothing is half-written.

The middleware sits first in ``MIDDLEWARE`` so that it sees the response of every other
middleware. An error raised by a view reaches ``process_exception``; one raised by another
middleware has already been turned into a 500 by Django when it gets here, so a receiver of
``got_request_exception`` marks the request and the 500 is replaced. Django would log that
500 with its traceback: a filter on the ``django.request`` logger drops those records, as
this middleware logs the event itself.

Django closes a connection that failed at the end of the request; with ``CONN_MAX_AGE``
set, ``CONN_HEALTH_CHECKS`` (settings) makes the next request check a kept connection
before using it, so the first requests after a restart do not fail on a dead one.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_MARK = "_kenesh_database_error"


def is_database_down(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_ERRORS)


def _note_database_error(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and is_database_down(error):
        setattr(request, _MARK, error)


got_request_exception.connect(_note_database_error, dispatch_uid="kenesh-database-down")


class _DropDatabaseDownTracebacks(logging.Filter):
    """Keep Django's 'Internal Server Error' traceback out of the log when the cause was
    the database being unreachable: the middleware logs one line for it instead."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        return not is_database_down(error)


_request_log_filter = _DropDatabaseDownTracebacks()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def database_down_response(request, error: BaseException) -> HttpResponse:
    """The page for a request that could not reach the database; logs one warning."""
    logger.warning(
        "Database unavailable: %s %s answered 503 (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        _first_line(error),
    )
    # Rendered without the request: the context processors would query the database.
    response = HttpResponse(
        loader.render_to_string("core/database_down.html"),
        status=503,
        content_type="text/html; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # The security middlewares sit inside this one and never see this page: the headers
    # they would add, for a page with nothing to load.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response["X-Frame-Options"] = "DENY"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "same-origin"
    add_never_cache_headers(response)
    # Logged above, once: Django's request logger need not log it again as an error.
    response._has_been_logged = True
    return response


class DatabaseDownMiddleware:
    """Answer 503 with a plain page when the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response
        request_logger = logging.getLogger("django.request")
        if _request_log_filter not in request_logger.filters:
            request_logger.addFilter(_request_log_filter)

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, _MARK, None)
        if error is not None and response.status_code >= 500:
            return database_down_response(request, error)
        return response

    def process_exception(self, request, exception):
        if is_database_down(exception):
            return database_down_response(request, exception)
        return None
