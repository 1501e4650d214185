"""Log hygiene: no credential and nothing personal ever reaches a log line.

Django logs the path of every 4xx/5xx answer (``django.request``: "Not Found: /webhooks/…"), and a
WSGI server's access log writes every request line (and its referrer). A webhook URL's token is
its credential; a search (``?q=+6281…``) or a number filter (``?callee=…``) carries a customer's
number or name. ``redact`` rewrites both, wherever a URL appears in a line: ``RedactTokens`` in
every record Django's handlers see, ``config/gunicorn.py`` in every atom of the access log.
"""

import logging
import re

_WEBHOOK_TOKEN = re.compile(r"(/webhooks/airudder/)[^/\s?\"']+")
REDACTED = r"\1<token>"
# Query parameters whose values can hold a customer's number, name or a search term: the search
# box (and the list's search kept by a record page), and any parameter naming a customer detail
# (``callee``, ``callee_number__startswith``, ``contact_number``, ``phone``, ``name``…).
# A parameter in a URL, also one encoded inside another's value (``?next=…%3Fq%3D…``): a value
# stops at an encoded separator, so that the parameters inside it are read too.
_LEAD = r"(?P<lead>(?:[?&;]|%26|%3F)(?:amp;)?)"
_PARAMETER = re.compile(
    _LEAD + r"(?P<name>[\w.\-]+)(?P<eq>=|%3D)(?P<value>(?:[^&\s\"'#%]|%(?!26|3F|3D))*)",
    re.IGNORECASE,
)
# A search, or the list's query kept by a record page: all of its value, encoded parts too.
_SEARCH = re.compile(
    _LEAD + r"(?P<name>q|search|term|_changelist_filters)(?P<eq>=|%3D)[^&\s\"'#]*",
    re.IGNORECASE,
)
_PERSONAL_WORDS = ("callee", "contact", "phone", "number", "name", "msisdn", "mobile", "wa_id")
PARAMETER_REDACTED = "[redacted]"


def _redacted(match: re.Match) -> str:
    return f"{match['lead']}{match['name']}{match['eq']}{PARAMETER_REDACTED}"


def _redact_parameter(match: re.Match) -> str:
    name = match["name"].lower()
    if not any(word in name for word in _PERSONAL_WORDS):
        return match.group()
    return _redacted(match)


def redact(text: str) -> str:
    """``text`` without webhook tokens or the values of personal query parameters."""
    text = _SEARCH.sub(_redacted, _WEBHOOK_TOKEN.sub(REDACTED, text))
    return _PARAMETER.sub(_redact_parameter, text)


class RedactTokens(logging.Filter):
    """Rewrites the message and its arguments (tokens, personal query parameters); the request
    object carried along is dropped."""

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
