"""Obtaining documents: local files and stdin (local.py); the web, archives and
the page cache are added beside it."""
