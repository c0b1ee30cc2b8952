"""A real open-source web shop's database for the datastore tests and benchmarks: django-oscar.

``schema.py`` migrates oscar's own models with its own migrations into SQLite, PostgreSQL or MariaDB (once,
cached as a template) and copies that empty schema per test; ``fill.py`` fills it with synthetic Norwegian
customers from a seed. django-oscar is a test/benchmark-only dependency (the ``test`` extra).
"""
