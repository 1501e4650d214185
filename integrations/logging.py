"""Log hygiene: a webhook URL's token is its credential and must never reach a log line.

Django logs the path of every 4xx/5xx answer (``django.request``: "Not Found: /webhooks/…"), and a
WSGI server's access log writes every request line. ``RedactTokens`` rewrites the token segment of
webhook paths in any record it sees; ``config/gunicorn.py`` does the same for the access log.
"""

import logging
import re

_WEBHOOK_TOKEN = re.compile(r"(/webhooks/airudder/)[^/\s?\"']+")
REDACTED = r"\1<token>"


def redact(text: str) -> str:
    return _WEBHOOK_TOKEN.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrites the message and its arguments; the request object carried along is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        # django.request attaches the request; a handler that formats it would print the path.
        if hasattr(record, "request"):
            record.request = None
        return True
