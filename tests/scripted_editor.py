"""A scripted ``$EDITOR`` for tests of ``briefs edit`` and the TUI's editing keys.

``EDITOR="python tests/scripted_editor.py PLAN"``: each time it is run on a file it takes the next
step of the JSON list in PLAN and records what it saw (the file's text) in ``PLAN.seen.N``. A step:
``{"set": {"summary": "…", "positions.0.stance": "maybe"}}`` sets fields by dotted path (list
indexes as numbers); ``{"empty": true}`` empties the file; ``{"keep": true}`` leaves it as it is;
``{"run": [argv…]}`` runs a command first (another writer, meanwhile). The ``//`` annotation lines
``briefs edit`` adds are dropped before the JSON is read, as the command itself does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def _set(document: Any, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        document = document[int(part)] if isinstance(document, list) else document[part]
    if isinstance(document, list):
        document[int(last)] = value
    else:
        document[last] = value


def main(plan_path: str, file_path: str) -> int:
    plan_file, target = Path(plan_path), Path(file_path)
    steps: list[dict[str, Any]] = json.loads(plan_file.read_text(encoding="utf-8"))
    done = len(list(plan_file.parent.glob(f"{plan_file.name}.seen.*")))
    text = target.read_text(encoding="utf-8")
    (plan_file.parent / f"{plan_file.name}.seen.{done}").write_text(text, encoding="utf-8")
    step = steps[min(done, len(steps) - 1)]
    if "run" in step:
        subprocess.run(step["run"], check=True)
    if step.get("empty"):
        target.write_text("", encoding="utf-8")
    elif not step.get("keep"):
        body = "".join(line for line in text.splitlines(True) if not line.startswith("//"))
        document = json.loads(body)
        for dotted, value in step.get("set", {}).items():
            _set(document, dotted, value)
        target.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
