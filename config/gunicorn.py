"""gunicorn's production settings: ``gunicorn -c config/gunicorn.py config.wsgi``.

- Threaded workers (gthread): a client that sends its body slowly holds one thread, not a whole
  worker, so a few slow clients cannot stop every delivery; ``timeout`` still recycles a worker
  that hangs. Put a buffering reverse proxy (nginx's default ``proxy_request_buffering on``) in
  front: it reads the whole request before gunicorn sees it, which is the real defence.
- The access log never shows a webhook token (the URL's credential).

Every value can be overridden on the command line or with ``GUNICORN_CMD_ARGS``.
"""

import os

from gunicorn.glogging import Logger

from integrations.logging import redact

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 60  # above the longest page (a large CSV export streams within it)
graceful_timeout = 30
keepalive = 5
# A request line or headers beyond these are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"


class RedactingLogger(Logger):
    """gunicorn's logger, with webhook tokens removed from every atom of the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The request line, the path, and every environ atom (``%({raw_uri}e)s``…) alike.
        return {key: redact(v) if isinstance(v, str) else v for key, v in atoms.items()}


logger_class = RedactingLogger
