"""Logs an operator can read, that hold no one's input.

A refused request (403, 404, 400) is the platform doing its job: one line, no traceback.
Any message is cut to a bounded length, so a 100,000-character form field or id never
lands in the log whole (it may be a Track II participant's words)."""

import logging

MAX_MESSAGE_CHARS = 500


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drop the traceback from records of requests answered below 500."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class BoundedMessages(logging.Filter):
    """Cut each message to ``MAX_MESSAGE_CHARS`` characters once formatted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is, not lost
            return True
        if len(message) > MAX_MESSAGE_CHARS:
            record.msg = f"{message[:MAX_MESSAGE_CHARS]} [cut: {len(message)} characters]"
            record.args = None
        return True
