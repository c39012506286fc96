"""Luoshi over real HTTP: `python -m bench http` (see bench/http/__main__.py and bench/README.md)."""
