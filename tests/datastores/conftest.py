"""A real web shop's database per test: django-oscar migrated with its own migrations (bench/shop), copied.

Engines: the SQLite run covers SQLite and MariaDB (when one answers on 127.0.0.1:3306, or at
PERSONVERN_TEST_MARIADB_URL); the PostgreSQL run (PERSONVERN_TEST_DATABASE_URL) covers PostgreSQL. CI runs
both, so every test here runs on all three engines.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.shop.fill import Customers, Shop, fill  # noqa: E402
from bench.shop.schema import drop_shop, new_shop  # noqa: E402

from personvern.datastores import Bound, open_datastore  # noqa: E402
from personvern.datastores._engine import dispose_all  # noqa: E402
from personvern.policy import LoadedPolicy, load_policy  # noqa: E402

POLICY = ROOT / "examples" / "policies" / "tp-ecommerce.yaml"
PG_URL = os.environ.get("PERSONVERN_TEST_DATABASE_URL", "")
MARIADB_URL = os.environ.get("PERSONVERN_TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306/test")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def engines() -> list[object]:
    if PG_URL:
        return [pytest.param(PG_URL, id="postgresql")]
    maria = pytest.param(MARIADB_URL, id="mariadb", marks=pytest.mark.skipif(
        not _answers("127.0.0.1", 3306), reason="no MariaDB on 127.0.0.1:3306"))
    return [pytest.param("sqlite", id="sqlite"), maria]


@pytest.fixture(scope="session", params=engines())
def engine_url(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def tp() -> LoadedPolicy:
    return load_policy(POLICY)


@pytest.fixture(scope="session")
def _made(engine_url: str) -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    dispose_all()
    for url in made:
        drop_shop(engine_url, url)


@pytest.fixture
def new_shop_url(engine_url: str, _made: list[str], tmp_path: Path) -> Callable[[], str]:
    """Make an empty migrated oscar database on the engine under test (dropped at the end of the session)."""

    def _new() -> str:
        _made.append(new_shop(engine_url, tmp_path, pooled=True))
        return _made[-1]

    return _new


@pytest.fixture(scope="session")
def shop(engine_url: str, _made: list[str], tmp_path_factory: pytest.TempPathFactory) -> Shop:
    """An oscar shop with 120 customers (and 12 guests), seed 7, shared by the tests of one engine: each
    test takes customers of its own (``customers.take``) and compares only what it can own."""
    _made.append(new_shop(engine_url, tmp_path_factory.mktemp("shop"), pooled=True))
    return fill(_made[-1], 120)


@pytest.fixture(scope="session")
def customers(shop: Shop) -> Customers:
    return Customers(shop)


@pytest.fixture(scope="session")
def store(shop: Shop, tp: LoadedPolicy) -> Bound:
    return open_datastore(tp.datastores[0], shop.url)
