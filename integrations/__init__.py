"""The webhook inbox: endpoints, stored deliveries, receiving, processing, replay, signing.

Imports ``records`` and ``privacy``; never a domain app (it knows them by ``kinds``).
"""
