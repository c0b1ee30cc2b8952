"""Customer fields in JSON columns and in key-value tables (rows of owner, key, value — WordPress's usermeta
shape) are found, copied and erased like ordinary columns."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, String, Table, Text, insert, select

from personvern.datastores import Bound, access, erase, open_datastore
from personvern.policy import LoadedPolicy
from personvern.policy.datastores import load_mapping

MAPPING = """\
datastores:
  - name: cms
    url_env: CMS_DATABASE_URL
    tables:
      - table: cms_user
        purpose: order
        columns: {email: user.contact.email}
        identity: {email: email}
        erasure: delete
      - table: cms_usermeta
        purpose: order
        key: umeta_id
        belongs_to: [{column: user_id, table: cms_user}]
        key_value:
          key: meta_key
          value: meta_value
          keys: {billing_phone: user.contact.phone_number, billing_address_1: user.contact.address}
          identity: {billing_phone: phone}
        erasure: delete
      - table: cms_profile
        purpose: order
        belongs_to: [{column: user_id, table: cms_user}]
        json: {data: {name.first: user.name, name.last: user.name, address.street: user.contact.address}}
        erasure: anonymise
        erase_columns: {user_id: "null"}
"""


def _cms(url: str) -> MetaData:
    from personvern.datastores import engine_for

    meta = MetaData()
    Table("cms_user", meta, Column("id", Integer, primary_key=True), Column("email", String(200), index=True))
    Table("cms_usermeta", meta, Column("umeta_id", Integer, primary_key=True),
          Column("user_id", Integer, ForeignKey("cms_user.id"), index=True),
          Column("meta_key", String(100)), Column("meta_value", Text))
    Table("cms_profile", meta, Column("id", Integer, primary_key=True),
          Column("user_id", Integer, ForeignKey("cms_user.id"), nullable=True), Column("data", JSON))
    engine = engine_for(url)
    meta.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(meta.tables["cms_user"]), [{"id": 1, "email": "kari@example.no"},
                                                    {"id": 2, "email": "ola@example.no"}])
        c.execute(insert(meta.tables["cms_usermeta"]), [
            {"umeta_id": 1, "user_id": 1, "meta_key": "billing_phone", "meta_value": "+4797527747"},
            {"umeta_id": 2, "user_id": 1, "meta_key": "billing_address_1", "meta_value": "Storgata 1"},
            {"umeta_id": 3, "user_id": 2, "meta_key": "billing_phone", "meta_value": "+4741234567"},
            {"umeta_id": 4, "user_id": 2, "meta_key": "nickname", "meta_value": "ola"}])
        c.execute(insert(meta.tables["cms_profile"]), [
            {"id": 1, "user_id": 1, "data": {"name": {"first": "Kari", "last": "Nordmann"},
                                             "address": {"street": "Storgata 1"}, "theme": "dark"}},
            {"id": 2, "user_id": 2, "data": {"name": {"first": "Ola"}, "theme": "light"}}])
    return meta


@pytest.fixture
def cms(new_shop_url: Callable[[], str], tp: LoadedPolicy, tmp_path: Path) -> Bound:
    url = new_shop_url()
    _cms(url)
    path = tmp_path / "cms.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    [declared] = load_mapping(path, tp.policy)
    return open_datastore(declared, url)


def _data(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def test_a_key_value_row_finds_its_person_by_the_key_that_holds_a_phone(cms: Bound) -> None:
    copy = access(cms, {"phone": ["975 27 747"]})
    tables = {t.table: t for t in copy.tables}
    assert [r["meta_key"] for r in tables["cms_usermeta"].rows] == ["billing_phone"]
    assert "user.contact.phone_number" in tables["cms_usermeta"].categories
    by_email = {t.table: t for t in access(cms, {"email": ["kari@example.no"]}).tables}
    assert sorted(r["umeta_id"] for r in by_email["cms_usermeta"].rows) == [1, 2]
    assert by_email["cms_profile"].rows[0]["data"]["name"] == {"first": "Kari", "last": "Nordmann"}


def test_erasure_deletes_key_value_rows_and_strips_the_personal_json_paths(cms: Bound, tp: LoadedPolicy) -> None:
    done = erase(cms, tp.policy, {"email": ["kari@example.no"]}, hash_key=bytes(32))
    assert {t.table: (t.outcome, t.rows) for t in done.tables} == {
        "cms_user": ("deleted", 1), "cms_usermeta": ("deleted", 2), "cms_profile": ("anonymised", 1)}
    with cms.engine.connect() as c:
        meta = c.execute(select(cms.table("cms_usermeta").c.umeta_id)).scalars().all()
        profile = c.execute(select(cms.table("cms_profile"))).mappings().all()
    assert sorted(meta) == [3, 4]
    kept = {p["id"]: (p["user_id"], _data(p["data"])) for p in profile}
    assert kept[1] == (None, {"name": {}, "address": {}, "theme": "dark"})
    assert kept[2] == (2, {"name": {"first": "Ola"}, "theme": "light"})
