#!/usr/bin/env python3
"""Thin shim: ``python cli.py ...`` is ``provenance ...``."""

from provenance.cli import main

if __name__ == "__main__":
    main()
