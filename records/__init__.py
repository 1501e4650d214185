"""The building blocks both domains' records are read with: filters, admin pieces, API bases,
CSV, phones, search, outcomes and the read-side declarations.

Imports only ``privacy``; the inbox, the domains and the readers import it.
"""
