"""The draft as a file: it loads, every item is traced, TODOs are warnings with their line, --strict fails;
`personvern draft` and `personvern draft --compare` from the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personvern.cli import app
from personvern.draft import draft_notice, render
from personvern.draft.compare import compare
from personvern.errors import PolicyError
from personvern.policy import load_policy

HERE = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS = ("tek-zence", "sensornordic", "tp-ecommerce", "kl-miljovarme", "pilaro")
NOTICES = [HERE / "seeds" / f"{s}.txt" for s in SEEDS] + [HERE / "fjordbakst.html", HERE / "harbour-books.md"]
runner = CliRunner()


@pytest.mark.parametrize("notice", NOTICES, ids=lambda p: p.name)
def test_the_draft_loads_with_its_todos_as_warnings(notice: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    out.write_text(render(draft_notice(notice)), encoding="utf-8")
    loaded = load_policy(out)
    todos = loaded.todos
    assert todos and all(w.line for w in todos)
    lines = out.read_text(encoding="utf-8").splitlines()
    for w in todos:
        assert "todo" in lines[(w.line or 0) - 1] or w.field == "todo"
    with pytest.raises(PolicyError):
        load_policy(out, strict=True)


@pytest.mark.parametrize("notice", NOTICES, ids=lambda p: p.name)
def test_every_item_says_where_it_came_from(notice: Path) -> None:
    """Each value line of a purpose or recipient carries '# L<n>' (the notice line) or is a {todo: ...}; the
    sentence of every line cited is quoted in the file, and the line holds that sentence in the notice."""
    text = render(draft_notice(notice))
    source = notice.read_text(encoding="utf-8").splitlines()
    body = text.split("\npurposes:\n", 1)[1]
    for line in body.splitlines():
        bare = line.strip()
        if not bare or bare.startswith("#") or re.fullmatch(r"[\w_]+:|- article: \w.*|[\w_]+:\s*#.*", bare):
            continue
        if bare.startswith(("- key:", "consent:", "marketing:", "channels:", "also_based_on:", "later_of:")):
            continue
        if re.fullmatch(r"- [\w.]+ *(#.*)?", bare) and "#" not in bare:
            continue  # a rule inside later_of: the line above carries the source
        assert "# L" in bare or "{todo:" in bare or "# the person themselves" in bare or \
            "# the purposes the sentence names" in bare, line
    for n, quoted in re.findall(r'# L(\d+): "(.{12})', text):
        assert quoted.split()[0].strip("•").strip() in source[int(n) - 1], (n, quoted)


def test_check_lists_the_todos_and_strict_fails(tmp_path: Path) -> None:
    out = tmp_path / "kl.yaml"
    result = runner.invoke(app, ["draft", str(HERE / "seeds" / "kl-miljovarme.txt"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code == 0
    assert re.search(rf"{re.escape(str(out))}:\d+: purposes\[\w+\]\.[\w.\[\]0-9]+: warning: TODO: ", check.output)
    assert runner.invoke(app, ["check", "--strict", str(out)]).exit_code == 1


def test_a_todo_marker_in_a_hand_written_policy(tmp_path: Path) -> None:
    """The marker works in any policy: a retention left open loads, and says so on its line."""
    text = (ROOT / "examples" / "policies" / "kl-miljovarme.yaml").read_text(encoding="utf-8")
    text = text.replace("retention: 3 months after collection   # KL4",
                        'retention: {todo: "Hvor lenge lagres søknader?"}')
    path = tmp_path / "kl.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_policy(path)
    todo = [w for w in loaded.warnings if "Hvor lenge lagres søknader?" in w.message]
    assert len(todo) == 1
    assert 'todo: "Hvor lenge lagres søknader?"' in text.splitlines()[(todo[0].line or 0) - 1]
    assert loaded.policy.purpose("customer_applications").retention is None  # type: ignore[union-attr]


def test_a_todo_does_not_hide_other_errors(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "policies" / "kl-miljovarme.yaml").read_text(encoding="utf-8")
    text = text.replace("retention: 3 months after collection   # KL4", 'retention: {todo: "Hvor lenge?"}')
    text = text.replace("[custom.contact_person, user.contact.address, user.contact.email, user.contact.phone_number, "
                        "custom.application]", "[custom.contact_person, user.contact.emial, custom.application]")
    path = tmp_path / "kl.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"user\.contact\.emial"):
        load_policy(path)


def test_a_missing_notice_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["draft", str(tmp_path / "none.txt")])
    assert result.exit_code == 1
    assert "cannot read" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("seed", SEEDS)
def test_compare_each_seed_with_its_policy_every_difference_explained(seed: str) -> None:
    diffs = compare(ROOT / "examples" / "policies" / f"{seed}.yaml", HERE / "seeds" / f"{seed}.txt")
    assert [d for d in diffs if not d.explained] == []


def test_compare_finds_what_a_policy_gets_wrong(tmp_path: Path) -> None:
    """Keep applications 6 months where the notice says 3, and give surveys another basis: compare lists both,
    unexplained."""
    text = (ROOT / "examples" / "policies" / "kl-miljovarme.yaml").read_text(encoding="utf-8")
    text = text.replace("retention: 3 months after collection   # KL4", "retention: 6 months after collection")
    path = tmp_path / "kl.yaml"
    path.write_text(text, encoding="utf-8")
    diffs = compare(path, HERE / "seeds" / "kl-miljovarme.txt")
    wrong = [d for d in diffs if d.side == "notice" and "customer_applications" in d.what]
    assert wrong and not wrong[0].explained and "3 months" in wrong[0].what
    result = runner.invoke(app, ["draft", "--compare", str(path), str(HERE / "seeds" / "kl-miljovarme.txt")])
    assert result.exit_code == 0 and "1 not explained in the policy" in result.output
