"""The wheel works outside the repository (issue 15, item 1): build it, install it into a new virtual environment
(its dependencies come from the running one: --system-site-packages, the wheel itself --no-deps), and run
`personvern demo --no-serve` for every seed company from an empty folder, with a demo directory of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from personvern.commands.demo import COMPANIES

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_the_installed_wheel_runs_the_demo_for_every_company(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            str(ROOT), "-w", str(wheels)], capture_output=True, text=True, cwd=tmp_path)
    assert build.returncode == 0, build.stderr[-2000:]
    [wheel] = wheels.glob("personvern-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                              "--ignore-installed", "-q", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONVERN_") and k != "PYTHONPATH"}
    env["PERSONVERN_DEMO_DIR"] = str(tmp_path / "demo")
    where = subprocess.run([str(python), "-c", "import personvern; print(personvern.__file__)"], cwd=work,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(env_dir)), where  # the wheel's copy, not the checkout's
    for company in COMPANIES:
        run = subprocess.run([str(env_dir / "bin" / "personvern"), "demo", "--no-serve", "--company", company,
                              "--customers", "3"], cwd=work, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        assert f"built the demo database {tmp_path / 'demo' / company}.db" in run.stdout
    assert sorted(p.name for p in (tmp_path / "demo").iterdir() if not p.name.endswith(("-wal", "-shm"))) == (
        sorted([f"{c}.db" for c in COMPANIES] + [f"{c}.db.key" for c in COMPANIES]))
    assert list(work.iterdir()) == []  # nothing left in the folder it was started from
