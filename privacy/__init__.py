"""Privacy: masking of customer details, the audit log, retention, the permissions' names.

The bottom layer: anything may import it; it imports nothing of the project.
"""
