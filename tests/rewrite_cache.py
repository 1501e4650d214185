"""Loaded before the other plugins (``-p tests.rewrite_cache`` in pytest's options): pytest may
keep the test modules and plugins it rewrites for its assertions (``__pycache__``, git-ignored).

With ``PYTHONDONTWRITEBYTECODE`` set (as on this machine) pytest rewrote every test module, and
Schemathesis' and Hypothesis' plugins (some 480 modules), on each run and in each process: six
seconds of each process's start. Nothing is left out of the run for it.
"""

import sys

sys.dont_write_bytecode = False
