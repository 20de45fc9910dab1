"""compose.yaml: two replicas on one healthy PostgreSQL, configured through the environment,
with read-only root filesystems. (No Docker engine here: the file is checked as data.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from service.settings import load_settings
from tests.conftest import REPO_ROOT

COMPOSE = REPO_ROOT / "compose.yaml"
REPLICAS = ("briefs-1", "briefs-2")
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return document


def interpolate(value: str, **variables: str) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}``, as compose would."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in variables:
            return variables[name]
        default = re.search(r":-([^}]*)\}$", match.group(0))
        assert default is not None, f"{name} is required and not given"
        return default.group(1)

    return INTERPOLATION.sub(replace, value)


def test_two_replicas_wait_for_a_healthy_postgres(compose: dict[str, Any]) -> None:
    services = compose["services"]
    postgres = services["postgres"]
    assert re.fullmatch(r"postgres:\d+\.\d+-\w+", postgres["image"]), "pin the PostgreSQL image"
    assert "pg_isready" in postgres["healthcheck"]["test"]
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "PostgreSQL data lives in a named volume"
    for name in REPLICAS:
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["entrypoint"] == ["briefs", "db", "upgrade"]
    ports = {services[name]["ports"][0].split(":")[0] for name in REPLICAS}
    assert len(ports) == len(REPLICAS)


def test_replicas_are_configured_through_the_environment_and_run_read_only(
    compose: dict[str, Any],
) -> None:
    for name in (*REPLICAS, "migrate"):
        service = compose["services"][name]
        assert service["read_only"] is True
        assert any(mount.startswith("/tmp") for mount in service["tmpfs"])
        assert service["cap_drop"] == ["ALL"]
        raw = service["environment"]
        assert "${POSTGRES_PASSWORD" in raw["BRIEFS_DATABASE_URL"], "no literal password"
        env = {
            key: interpolate(str(value), POSTGRES_PASSWORD="secret") for key, value in raw.items()
        }
        settings = load_settings(env)
        assert settings.is_postgres
        assert settings.load_fixtures is False
        grace = int(service["stop_grace_period"].removesuffix("s"))
        assert grace > settings.shutdown_grace_seconds
        assert service["stop_signal"] == "SIGTERM"
