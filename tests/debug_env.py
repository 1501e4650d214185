"""Loaded before Django (``-p tests.debug_env`` in pytest's options): the suite runs with
``DJANGO_DEBUG`` on, as ``make run`` does, since the settings default to production's off.
Tests of production settings (``tests/test_settings.py``) set it themselves."""

import os

os.environ.setdefault("DJANGO_DEBUG", "on")
