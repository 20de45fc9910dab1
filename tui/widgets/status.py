"""The status bar above the footer: connection, the brief marked for diff, the last refresh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from textual.widgets import Static

from service.domain.models import BriefRef


def _local_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone()


#: The clock of "refreshed HH:MM:SS" (tests fix it, so snapshots do not change by the second).
now: Callable[[], dt.datetime] = _local_now

Connection = Literal["live", "offline", "reconnecting", "unreachable"]


@dataclass
class Status:
    """What the bar shows; the app holds one, screens update it."""

    connection: Connection = "live"
    where: str = ""
    marked: BriefRef | None = None
    refreshed: dt.datetime | None = None


_CONNECTION = {
    "live": "● live {where}",
    "offline": "◌ offline folder {where}",
    "reconnecting": "↻ reconnecting to {where}…",
    "unreachable": "✗ cannot reach {where}",
}


def describe(status: Status) -> str:
    """One line: ``● live http://… · marked 2025-03-14 r2 · refreshed 07:41:05``."""
    parts = [_CONNECTION[status.connection].format(where=status.where)]
    if status.marked is not None:
        revision = f" r{status.marked.revision}" if status.marked.revision > 1 else ""
        parts.append(f"marked {status.marked.as_of.isoformat()}{revision}")
    if status.refreshed is not None:
        parts.append(f"refreshed {status.refreshed:%H:%M:%S}")
    return " · ".join(parts)


class StatusBar(Static):
    """One muted line docked above the footer (see app.tcss)."""

    def show(self, status: Status) -> None:
        """Render ``status``."""
        self.update(describe(status))
