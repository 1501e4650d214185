"""Demo data, delivered through the real ingest path: the top layer, above both domain apps.

Nothing imports this package but the management commands, the benchmarks and the tests.
"""
