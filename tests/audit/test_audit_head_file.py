"""``audit verify --head FILE`` checks the trail against a head checkpoint kept outside the database, and the
trail's start anchor cannot be moved without detection (issue 18; docs/security.md relies on both).

Rewriting the last entries with recomputed hashes and a rewritten ``audit.head`` passes the chain's own
checks; only a head kept elsewhere catches it. Deleting the start of the trail and moving ``audit.anchor``
onto the first kept entry is caught because only a pruning (recorded by an ``audit.pruned`` entry naming
its anchor) may move the anchor.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from audit_samples import T0, rehash
from sqlalchemy import Engine, delete, select, update
from typer.testing import CliRunner

from personvern.audit import verify
from personvern.audit._canonical import ANCHOR_KEY, HEAD_KEY, ChainPoint, write_point
from personvern.audit.chain import head
from personvern.audit.retention import prune
from personvern.cli import app
from personvern.register.schema import audit_log


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _save_head(engine: Engine, path: Path) -> ChainPoint:
    result = CliRunner().invoke(app, ["audit", "head", "--db", _url(engine)])
    assert result.exit_code == 0, result.output
    path.write_text(result.stdout, encoding="utf-8")
    with engine.connect() as conn:
        point = head(conn)
    assert point is not None and json.loads(result.stdout) == {"seq": point.seq, "hash": point.hash}
    return point


def _rewrite_entry(engine: Engine, seq: int) -> None:
    """Edit entry ``seq``, recompute its hash and every later one, and the stored head: self-consistent."""
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(actor="mallory"))
        last = int(conn.execute(select(audit_log.c.seq).order_by(audit_log.c.seq.desc()).limit(1)).scalar_one())
        for n in range(seq, last + 1):
            if n > seq:
                before = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == n - 1)).scalar_one()
                conn.execute(update(audit_log).where(audit_log.c.seq == n).values(prev_hash=before))
            rehash(conn, n)
        final = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == last)).scalar_one()
        write_point(conn, HEAD_KEY, ChainPoint(last, final))


def test_a_rewritten_tail_passes_inside_and_fails_against_the_head_file(chain: Engine, tmp_path: Path) -> None:
    kept = tmp_path / "head.json"
    _save_head(chain, kept)
    _rewrite_entry(chain, 9)
    with chain.connect() as conn:
        assert verify(conn).ok  # the database alone cannot tell
    result = CliRunner().invoke(app, ["audit", "verify", "--db", _url(chain), "--head", str(kept)])
    assert result.exit_code == 1
    assert "seq 10" in result.output and "head kept outside" in result.output


def test_an_intact_trail_verifies_against_an_older_head_file(chain: Engine, tmp_path: Path) -> None:
    from personvern.audit import RecordRead, append

    kept = tmp_path / "head.json"
    _save_head(chain, kept)
    with chain.begin() as conn:
        append(conn, RecordRead(purpose="accounting", record_ids=(1,)), actor="kari", role="support",
               at=T0 + timedelta(hours=20))
    result = CliRunner().invoke(app, ["audit", "verify", "--db", _url(chain), "--head", str(kept)])
    assert result.exit_code == 0, result.output
    assert "11 entries" in result.output and "head kept outside (seq 10)" in result.output


def test_a_head_file_past_the_end_finds_the_cut_tail(chain: Engine, tmp_path: Path) -> None:
    kept = tmp_path / "head.json"
    _save_head(chain, kept)
    with chain.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq >= 9))
        last = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == 8)).scalar_one()
        write_point(conn, HEAD_KEY, ChainPoint(8, last))
    with chain.connect() as conn:
        assert verify(conn).ok
        result = verify(conn, head=ChainPoint(10, json.loads(kept.read_text())["hash"]))
    assert (result.broken_seq, result.kind) == (9, "deleted")


def test_a_bad_head_file_is_a_clear_error(chain: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "head.json"
    bad.write_text("not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", "verify", "--db", _url(chain), "--head", str(bad)])
    assert result.exit_code == 2 and "head.json" in result.output and "Traceback" not in result.output


def test_deleting_the_start_and_moving_the_anchor_is_found(chain: Engine) -> None:
    with chain.begin() as conn:
        fourth = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == 4)).scalar_one()
        conn.execute(delete(audit_log).where(audit_log.c.seq <= 4))
        write_point(conn, ANCHOR_KEY, ChainPoint(4, fourth))
    with chain.connect() as conn:
        result = verify(conn)
    assert not result.ok and result.kind == "deleted" and result.broken_seq == 1, str(result)
    assert "anchor" in result.detail


def test_an_anchor_moved_past_a_real_pruning_is_found(chain: Engine) -> None:
    from personvern.audit import RecordRead, append

    with chain.begin() as conn:
        assert prune(conn, (T0 + timedelta(days=1)).date(), at=T0 + timedelta(days=2)) == 10  # audit.pruned: 11
    for hour in range(3):
        with chain.begin() as conn:
            append(conn, RecordRead(purpose="accounting", record_ids=(1,)), actor="kari", role="support",
                   at=T0 + timedelta(days=2, hours=hour))
    with chain.begin() as conn:
        seq = 12
        target = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == seq)).scalar_one()
        conn.execute(delete(audit_log).where(audit_log.c.seq <= seq))
        write_point(conn, ANCHOR_KEY, ChainPoint(seq, target))
    with chain.connect() as conn:
        result = verify(conn)
    assert not result.ok and "anchor" in result.detail, str(result)


def test_a_real_pruning_still_verifies(chain: Engine) -> None:
    with chain.begin() as conn:
        assert prune(conn, (T0 + timedelta(days=1)).date(), at=T0 + timedelta(days=2)) == 10
    with chain.connect() as conn:
        assert verify(conn).ok
