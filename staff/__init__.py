"""The staff's own settings (their time zone), applied to every page they open.

Imports nothing of the project; ``config`` installs its middleware, readers may import it.
"""
