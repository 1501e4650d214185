"""gunicorn's production settings: ``gunicorn -c config/gunicorn.py config.wsgi``.

- Threaded workers (gthread): a client that sends its body slowly holds one thread, not a whole
  worker, so a few slow clients cannot stop every delivery; ``timeout`` still recycles a worker
  that hangs. Put a buffering reverse proxy (nginx's default ``proxy_request_buffering on``) in
  front: it reads the whole request before gunicorn sees it, which is the real defence.
- No log line shows a webhook token (the URL's credential) or anything personal: a search
  (``?q=``) or a number filter's value (``callee=``, ``callee_number__…``, ``phone``…) is written
  ``[redacted]``, in the request line, the query, the referrer and the error log alike.

- A worker dies with its master (Linux's parent-death signal): after a ``kill -9`` of the
  master no orphaned worker keeps the port, so the process manager's restart binds at once.

Every value can be overridden on the command line or with ``GUNICORN_CMD_ARGS``.
"""

import ctypes
import os
import signal
import sys

from gunicorn.glogging import Logger

from integrations.logging import RedactTokens, redact

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


def post_fork(server, worker):
    """Ask Linux to kill this worker when its master dies; a master already gone: exit now."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != worker.ppid:
        os._exit(0)


def _redact_atom(key: str, value):
    if not isinstance(value, str):
        return value
    if key == "q" or "query_string" in key.lower():  # a bare query string, without its "?"
        return redact(f"?{value}")[1:]
    return redact(value)


class RedactingLogger(Logger):
    """gunicorn's logger, with webhook tokens and personal parameters removed from every atom
    of the access log, and from every line of the error log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The request line, the path, the referrer, every environ atom (``%({raw_uri}e)s``…).
        return {key: _redact_atom(key, value) for key, value in atoms.items()}

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, RedactTokens) for f in self.error_log.filters):
            self.error_log.addFilter(RedactTokens())


logger_class = RedactingLogger
