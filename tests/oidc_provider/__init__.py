"""A real OpenID Connect provider (django-oidc-provider) that the single sign-on tests run in a second
process.

It stands for a province's identity provider: its own Django project, its own SQLite file, its own users and
signing key. `python tests/oidc_provider/serve.py` sets it up from a JSON description and serves it.
"""
