"""What importing a layer drags in, checked in a fresh interpreter (``sys.modules`` does not lie).

import-linter proves the static boundaries; these prove the runtime ones that keep start-up cheap:
the domain loads no web framework, UI or HTTP client, and ``briefs --help`` imports no command's
heavy dependencies (rich, the diff engine, Textual, Litestar) because commands import lazily.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from tests.conftest import REPO_ROOT

IMPORT_EVERY_DOMAIN_MODULE = """
import pkgutil, importlib, service.domain
for info in pkgutil.walk_packages(service.domain.__path__, "service.domain."):
    importlib.import_module(info.name)
"""

BRIEFS_HELP = """
from service.cli.main import main
try:
    main(["--help"])
except SystemExit:
    pass
"""

REPORT = "\nimport json, sys\nsys.stderr.write(json.dumps(sorted(sys.modules)))\n"


@functools.cache
def loaded_packages(code: str) -> frozenset[str]:
    """The top-level packages (and ``service.*`` modules) loaded by running ``code``."""
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    modules: list[str] = json.loads(done.stderr)
    return frozenset({module.split(".")[0] for module in modules}) | {
        module for module in modules if module.startswith(("service.", "tui."))
    }


def test_the_domain_loads_no_framework_ui_or_http_client() -> None:
    loaded = loaded_packages(IMPORT_EVERY_DOMAIN_MODULE)
    assert "service.domain.presentation" in loaded  # the probe did import the whole domain
    assert loaded.isdisjoint({"litestar", "textual", "rich", "httpx", "psycopg", "granian"})


@pytest.mark.parametrize("heavy", ["rich", "diff_match_patch", "textual", "litestar", "granian"])
def test_briefs_help_imports_no_heavy_dependency(heavy: str) -> None:
    loaded = loaded_packages(BRIEFS_HELP)
    assert "service.cli.diff" in loaded  # the commands were registered
    assert heavy not in loaded


def test_the_tui_command_is_an_entry_point_of_the_tui_package() -> None:
    (command,) = entry_points(group="briefs.commands", name="tui")
    assert command.value == "tui.command:register"
    assert "tui.command" in loaded_packages(BRIEFS_HELP)
    assert "tui.app" not in loaded_packages(BRIEFS_HELP)
