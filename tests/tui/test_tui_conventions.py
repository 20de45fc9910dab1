"""House rules of the TUI that are easy to break silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.color import Color, ColorParseError

import tui
from tui.app import HELP_SCREENS, BriefsApp
from tui.screens.base import DataScreen
from tui.screens.help import HelpScreen
from tui.screens.party import PartyPickerScreen

STYLES = Path(tui.__file__).parent / "styles"
OWNERS = [BriefsApp, *HELP_SCREENS, HelpScreen, PartyPickerScreen]


@pytest.mark.parametrize("owner", OWNERS, ids=lambda owner: owner.__name__)
def test_every_binding_has_an_id(owner: type) -> None:
    for binding in owner.BINDINGS:
        assert isinstance(binding, Binding), binding
        assert binding.id, f"{owner.__name__}: {binding.key} -> {binding.action} has no id"


def test_binding_ids_are_unique() -> None:
    """One id, one action: an id is shared only by bindings of the same app action (a modal's
    copy of the motions, a screen's ``?``), so that one keymap entry rebinds them all."""
    actions: dict[str, set[str]] = {}
    owners = [*OWNERS, DataScreen]
    for owner in owners:
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                actions.setdefault(binding.id, set()).add(binding.action.removeprefix("app."))
    assert {key: found for key, found in actions.items() if len(found) > 1} == {}
    per_owner = [
        [binding.id for binding in owner.BINDINGS if isinstance(binding, Binding)]
        for owner in owners
    ]
    assert all(len(ids) == len(set(ids)) for ids in per_owner)


def test_styles_use_only_theme_colours() -> None:
    """No literal colours in the .tcss: every colour is a theme variable such as $primary."""
    for path in STYLES.glob("*.tcss"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        for name, value in re.findall(r"^\s*([a-z-]+)\s*:\s*([^;]+);", text, flags=re.M):
            for word in value.split():
                if word.startswith("$") or word.endswith("%"):
                    continue
                try:
                    Color.parse(word)
                except ColorParseError:
                    continue
                pytest.fail(f"{path.name}: {name}: {value} uses the literal colour {word!r}")
