"""Minimal Django settings for django-oscar: enough to run its migrations and load its models.

The database comes from ``SHOP_DATABASE_URL`` (sqlite:///path, postgresql://..., mysql+pymysql://...).
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from oscar import INSTALLED_APPS as OSCAR_APPS
from oscar.defaults import *  # noqa: F403


def _database(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path[1:])}
    common = {"NAME": parts.path.lstrip("/"), "USER": parts.username or "", "PASSWORD": parts.password or "",
              "HOST": parts.hostname or "127.0.0.1", "PORT": str(parts.port or "")}
    if scheme == "postgresql":
        return {"ENGINE": "django.db.backends.postgresql", **common}
    if scheme in ("mysql", "mariadb"):
        import pymysql

        pymysql.install_as_MySQLdb()
        return {"ENGINE": "django.db.backends.mysql", **common, "OPTIONS": {"charset": "utf8mb4"}}
    raise ValueError(f"unsupported shop database: {scheme}")


SECRET_KEY = "personvern-shop-tests-only"
DEBUG = False
SILENCED_SYSTEM_CHECKS = ["admin.E402", "admin.E404", "admin.E408", "admin.E409", "admin.E410", "admin.W411"]
USE_TZ = True
TIME_ZONE = "Europe/Oslo"
LANGUAGE_CODE = "nb"
SITE_ID = 1
INSTALLED_APPS = list(OSCAR_APPS)
DATABASES = {"default": _database(os.environ["SHOP_DATABASE_URL"])}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.shop.django_urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
