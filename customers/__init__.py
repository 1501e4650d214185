"""Customer history: every call and chat session of one customer, across both domain apps.

A top layer, beside the dashboard: it reads ``calls_app`` and ``sessions_app``; nothing below
imports it (the domain admins link to its page by URL name).
"""
