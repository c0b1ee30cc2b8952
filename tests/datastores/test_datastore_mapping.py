"""The mapping: checked against the policy when loaded and against the live schema by ``personvern check``,
every problem as file:line: field: message; ``datastore scan`` drafts one from a live database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench.shop.fill import Shop
from ruamel.yaml import YAML

from personvern.datastores import Bound, check_schema
from personvern.datastores.scan import draft_yaml, scan
from personvern.errors import PolicyError
from personvern.policy import LoadedPolicy, load_policy
from personvern.policy.datastores import load_mapping

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "datastores" / "oscar.yaml"


def _mapping_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = MAPPING.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path = tmp_path / "oscar.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(n for n, x in enumerate(text.splitlines(), start=1) if new.strip() in x)
    return path, line


def test_a_mapping_naming_a_missing_column_fails_with_file_and_line(store: Bound, tp: LoadedPolicy,
                                                                    tmp_path: Path) -> None:
    path, line = _mapping_with(tmp_path, "identity: {phone_number: phone}", "identity: {telefon: phone}")
    [declared] = load_mapping(path, tp.policy)
    [problem] = [p for p in check_schema(declared, store.engine, tp.policy) if p.severity == "error"]
    assert (problem.file, problem.line) == (str(path), line)
    assert "telefon" in problem.message and "address_useraddress" in problem.message
    assert str(problem).startswith(f"{path}:{line}: datastores[shop].tables[address_useraddress].identity.telefon")


def test_a_mapping_naming_a_missing_table_fails_with_file_and_line(store: Bound, tp: LoadedPolicy,
                                                                   tmp_path: Path) -> None:
    path, line = _mapping_with(tmp_path, "table: basket_basket", "table: basket_kurv")
    [declared] = load_mapping(path, tp.policy)
    errors = [p for p in check_schema(declared, store.engine, tp.policy) if p.severity == "error"]
    assert [(p.line, p.message) for p in errors] == [(line, "no table 'basket_kurv' in the database")]


def test_the_example_mapping_fits_the_shop_and_warns_of_missing_indexes(store: Bound, tp: LoadedPolicy) -> None:
    problems = check_schema(tp.datastores[0], store.engine, tp.policy)
    assert {p.severity for p in problems} == {"warning"}
    assert any("no index on 'auth_user.email'" in p.message for p in problems)


def test_an_unknown_purpose_or_category_is_a_policy_error_with_its_line(tmp_path: Path, tp: LoadedPolicy) -> None:
    path, line = _mapping_with(tmp_path, "purpose: product_reviews", "purpose: omtaler")
    with pytest.raises(PolicyError) as exc:
        load_mapping(path, tp.policy)
    [problem] = exc.value.problems
    assert (problem.line, problem.message) == (line, "unknown purpose 'omtaler'")
    path, line = _mapping_with(tmp_path, "{title: user.behavior.purchase_history}",
                               "{title: user.government_id.national_identification_number}")
    with pytest.raises(PolicyError) as exc:
        load_mapping(path, tp.policy)
    assert "is not one purpose 'bookkeeping' collects" in str(exc.value)


def test_a_typo_in_a_mapping_field_names_its_line(tmp_path: Path) -> None:
    path, line = _mapping_with(tmp_path, "erasure: anonymise", "erasur: anonymise")
    with pytest.raises(PolicyError) as exc:
        load_mapping(path)
    assert any(p.line == line and "erasure" in p.message for p in exc.value.problems)


def test_personvern_check_validates_the_mapping_against_the_live_schema(store: Bound, tmp_path: Path) -> None:
    policy = tmp_path / "policies" / "tp.yaml"
    policy.parent.mkdir()
    policy.write_text((ROOT / "examples" / "policies" / "tp-ecommerce.yaml").read_text(encoding="utf-8"),
                      encoding="utf-8")
    path, line = _mapping_with(tmp_path, "columns: {title: user.behavior.purchase_history}",
                               "columns: {tittel: user.behavior.purchase_history}")
    (tmp_path / "datastores").mkdir()
    path.rename(tmp_path / "datastores" / "oscar.yaml")
    env = {**os.environ, "SHOP_DATABASE_URL": store.engine.url.render_as_string(hide_password=False),
           "PYTHONPATH": str(ROOT / "src")}
    cli = [sys.executable, "-c", "from personvern.cli import main; main()"]
    out = subprocess.run([*cli, "check", str(policy)], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 1
    assert f"oscar.yaml:{line}: datastores[shop].tables[order_line].columns.tittel: no column 'tittel'" in out.stderr
    assert load_policy(policy).datastores  # the file itself is a valid policy: only the live schema disagrees


def test_scan_proposes_email_and_phone_identity_columns_unaided(store: Bound, shop: Shop) -> None:
    guesses = {g.table: g for g in scan(store.engine)}
    identity = {(t, c.column): c.identity for t, g in guesses.items() for c in g.columns if c.identity}
    assert identity[("auth_user", "email")] == "email"
    assert identity[("address_useraddress", "phone_number")] == "phone"
    assert identity[("order_shippingaddress", "phone_number")] == "phone"
    assert identity[("reviews_productreview", "email")] == "email"
    draft = YAML(typ="safe").load(draft_yaml(list(guesses.values())))
    tables = {t["table"]: t for t in draft["datastores"][0]["tables"]}
    assert tables["auth_user"]["identity"] == {"email": "email"}
    assert {"column": "user_id", "table": "auth_user"} in tables["order_order"]["belongs_to"]
    assert "catalogue_category" not in tables
