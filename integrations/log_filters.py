"""Logging filters for expected refusals.

``QuietForbidden``: a 403 (``PermissionDenied``) is what the permissions are for, not a fault.
Django's ``django.request`` logs it at WARNING with the exception's traceback; this filter keeps
the one line ("Forbidden (Permission denied): /path") and drops the traceback.
"""

import logging


class QuietForbidden(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
