"""Run a datastore sweep or a series of erasures in a process the test can SIGKILL half-way.

    python tests/datastores/_worker.py sweep URL AS_OF BATCH
    python tests/datastores/_worker.py erase URL EMAIL...
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from personvern.datastores import erase, open_datastore, sweep
from personvern.policy import load_policy

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tp-ecommerce.yaml"


def main(args: list[str]) -> None:
    tp = load_policy(POLICY)
    store = open_datastore(tp.datastores[0], args[1])
    if args[0] == "sweep":
        sweep(store, tp.policy, date.fromisoformat(args[2]), batch=int(args[3]))
        return
    for email in args[2:]:
        erase(store, tp.policy, {"email": [email]}, hash_key=bytes(32))
        print(email, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
