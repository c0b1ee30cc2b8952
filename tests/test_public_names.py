"""Each package issue 12 touched exports its public names in a sorted ``__all__`` (constants, classes, then
functions, each alphabetical — ruff's RUF022 order), and every name it lists exists."""

from __future__ import annotations

import importlib

import pytest

MODULES = ["personvern.rights", "personvern.rights.erasure", "personvern.rights.handle", "personvern.rights.notify",
           "personvern.rights.outcome", "personvern.rights.replay", "personvern.rights.requests",
           "personvern.register", "personvern.consent", "personvern.oslo"]


@pytest.mark.parametrize("name", MODULES)
def test_public_names_are_sorted_and_exist(name: str) -> None:
    module = importlib.import_module(name)
    names = list(module.__all__)
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert len(set(names)) == len(names)
    for public in names:
        assert getattr(module, public, None) is not None, f"{name}.{public}"


def test_the_rights_package_offers_one_entry_per_action() -> None:
    import personvern.rights as rights

    for entry in ("erase", "erase_subject", "restrict", "restrict_subject", "object_to", "object_for_subject",
                  "decide_objection", "rectify", "answer_access", "answer_portability", "preview_erasure",
                  "replay_erasures", "lift_restriction"):
        assert entry in rights.__all__
