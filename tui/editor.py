"""Handing the terminal to the person's editor (``$VISUAL``, ``$EDITOR``, else ``vi``).

`run_editor` suspends the app (`App.suspend`), runs the editor on a file and waits for it; the
app draws itself again when the editor exits. The app holds the launcher it uses
(`EditorHolder`), so tests hand it a function that edits the file itself, and Pilot, which has
no terminal to give away, can drive the whole editing flow.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from textual.app import App, SuspendNotSupported

from service.domain.editing import editor_command

EditorLauncher = Callable[[App[Any], Path], None]
"""Edit one file and return when the editor is done; raise `EditorError` if it could not."""


class EditorError(Exception):
    """The editor could not be started, or it failed; the message says which and what to do."""


@runtime_checkable
class EditorHolder(Protocol):
    """The app's editor launcher (see `tui.app.BriefsApp`)."""

    editor: EditorLauncher


def run_editor(app: App[Any], path: Path) -> None:
    """Suspend ``app``, run the editor on ``path``, resume."""
    command = [*editor_command(os.environ), str(path)]
    try:
        with app.suspend():
            # The editor owns the terminal until it exits: nothing else runs meanwhile.
            result = subprocess.run(command, check=False)  # noqa: S603 - the user's own editor
    except SuspendNotSupported:
        raise EditorError(
            f"This terminal cannot hand over to an editor; edit {path} by hand."
        ) from None
    except OSError as error:
        raise EditorError(
            f"Cannot start the editor {command[0]!r} ({error.strerror or error}); "
            "set VISUAL or EDITOR."
        ) from None
    if result.returncode != 0:
        raise EditorError(
            f"The editor exited with status {result.returncode}; text kept in {path}."
        )
