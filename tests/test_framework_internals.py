"""The code works with Litestar through its public API (issue 10): checked on the source itself.

No module imports a private ``litestar._*`` module, nothing replaces an app's ``asgi_handler``
after the fact (``create_app`` composes the request path once), and nothing reads the private
route tables (``route_handler_map``) or signature models (``parsed_fn_signature``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO_ROOT

PRIVATE_ATTRIBUTES = frozenset({"route_handler_map", "parsed_fn_signature"})


def sources() -> Iterator[Path]:
    for package in ("service", "tui"):
        yield from sorted((REPO_ROOT / package).rglob("*.py"))


def violations(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        match node:
            case ast.Import(names=names):
                for alias in names:
                    if alias.name.startswith("litestar._"):
                        yield f"line {node.lineno}: import {alias.name}"
            case ast.ImportFrom(module=str(module)) if module.startswith("litestar._"):
                yield f"line {node.lineno}: from {module} import ..."
            case ast.Assign(targets=targets) | ast.AnnAssign(target=targets):
                for target in targets if isinstance(targets, list) else [targets]:
                    if isinstance(target, ast.Attribute) and target.attr == "asgi_handler":
                        yield f"line {node.lineno}: assigns .asgi_handler"
            case ast.Attribute(attr=attr) if attr in PRIVATE_ATTRIBUTES:
                yield f"line {node.lineno}: reads .{attr}"


def test_no_framework_internals() -> None:
    found = [
        f"{path.relative_to(REPO_ROOT)} {violation}"
        for path in sources()
        for violation in violations(path)
    ]
    assert found == []


def test_the_check_sees_what_it_forbids(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import litestar._asgi\n"
        "from litestar._signature import x\n"
        "app.asgi_handler = wrap(app.asgi_handler)\n"
        "handler.parsed_fn_signature.parameters\n"
        "app.route_handler_map\n",
        encoding="utf-8",
    )
    assert len(list(violations(sample))) == 5
