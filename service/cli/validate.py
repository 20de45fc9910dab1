"""``briefs validate``: check story folders and brief files before they are loaded or committed.

Prints one ``file: $.path: message`` line per problem and exits 1 if there is any, or prints a
short OK line and exits 0. Every kind of bad input (a missing file, malformed JSON, a wrong type,
an oversized field, an unknown field, a dangling reference) is a problem line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.cli._command import Arg, Command


def run(args: argparse.Namespace) -> int:
    """Validate every path; 1 if any problem was found, else 0."""
    from service.domain.validate import files_checked, validate_path

    paths: list[Path] = args.paths
    problems = [problem for path in paths for problem in validate_path(path)]
    for problem in problems:
        print(problem)
    if problems:
        files = len({problem.file for problem in problems})
        print(
            f"{len(problems)} problem{_s(len(problems))} in {files} file{_s(files)}",
            file=sys.stderr,
        )
        return 1
    checked = sum(len(files_checked(path)) for path in paths)
    print(f"OK: {checked} file{_s(checked)} checked, no problems")
    return 0


register = Command(
    name="validate",
    handler=run,
    help="check story folders and brief files for problems",
    description=(
        "Check brief files, story.json files, story folders or folders of story folders: "
        "types and size limits, unknown fields, references to parties and sources, "
        "duplicate ids and issue lifecycles. A brief file inside <story>/briefs/ is "
        "checked against <story>/story.json."
    ),
    arguments=(
        Arg("paths", nargs="+", type=Path, metavar="PATH", help="a file or folder to check"),
    ),
)


def _s(count: int) -> str:
    return "" if count == 1 else "s"
