"""A document's results do not depend on the process that checks it: worker processes of the Ray engine are fresh
interpreters, each with its own hash seed, where the local pool's workers share the fork server's."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_documents_checks_come_in_the_same_order_whatever_the_hash_seed():
    """Ray's workers are fresh interpreters, each with its own hash seed, so the order of a document's checks
    must not follow the iteration order of a set of strings (statement.row_identity over a table's stages did)."""
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-m", "jxcheck.cli", "check", "--format", "json",
                              str(ROOT / "corpus" / "final-accounts" / "fa01_natural_resources.docx")],
                             capture_output=True, text=True, env=env, timeout=120)
        outputs.append([(c["rule"], c["message"]) for c in json.loads(run.stdout)["documents"][0]["checks"]])
    assert len(outputs[0]) > 200 and outputs[0] == outputs[1]
