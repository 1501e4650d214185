"""Running the inbox: health probes, metrics, alerts, payload drift, the audit log's admin.

Reads the inbox; imported only by the readers (the dashboard's inbox page) and ``config``.
"""
