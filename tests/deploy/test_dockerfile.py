"""The container image's policy, checked on the Dockerfile itself (no Docker engine needed)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from service.settings import load_settings
from tests.conftest import REPO_ROOT
from tests.deploy.dockerfile import Dockerfile, exec_form, healthcheck_command, parse

DOCKERFILE = REPO_ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"
# python:<major>.<minor>.<patch>-slim-<debian suite>, optionally with a digest.
PINNED_BASE = re.compile(r"^python:3\.11\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?$")
BUILD_TOOLS = re.compile(r"\b(gcc|g\+\+|clang|make|build-essential|hatchling|uv|poetry)\b")


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return parse(DOCKERFILE)


def test_hadolint_is_clean() -> None:
    result = subprocess.run(
        [str(HADOLINT), "--failure-threshold", "warning", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_stage_uses_an_exactly_pinned_slim_base(dockerfile: Dockerfile) -> None:
    for stage in dockerfile.stages:
        if stage.base in {item.name for item in dockerfile.stages}:
            continue  # FROM an earlier stage
        assert "latest" not in stage.base
        assert PINNED_BASE.match(stage.base), stage.base


def test_the_build_is_multi_stage_and_the_final_stage_copies_only_the_virtualenv(
    dockerfile: Dockerfile,
) -> None:
    assert len(dockerfile.stages) >= 2
    copies = dockerfile.final.all("COPY")
    assert copies, "the final stage copies the built virtualenv"
    for copy in copies:
        assert copy.arguments.startswith("--from="), f"line {copy.line}: copies from the context"


def test_the_final_stage_runs_as_a_numeric_non_root_user(dockerfile: Dockerfile) -> None:
    user = dockerfile.final.last("USER")
    assert user is not None, "no USER in the final stage"
    uid, _, gid = user.arguments.partition(":")
    assert uid.isdigit(), "USER must be numeric (policies check runAsNonRoot by number)"
    assert int(uid) >= 1000
    assert not gid or (gid.isdigit() and int(gid) != 0)
    assert dockerfile.final.instructions.index(user) > max(
        dockerfile.final.instructions.index(item) for item in dockerfile.final.all("RUN")
    ), "USER comes after every RUN of the final stage"


def test_entrypoint_and_healthcheck_use_the_exec_form(dockerfile: Dockerfile) -> None:
    entrypoint = dockerfile.final.last("ENTRYPOINT")
    assert entrypoint is not None
    assert exec_form(entrypoint.arguments) == ["briefs", "serve"]
    healthcheck = dockerfile.final.last("HEALTHCHECK")
    assert healthcheck is not None
    options, command = healthcheck_command(healthcheck.arguments)
    assert command is not None, "HEALTHCHECK CMD must be the exec form (no shell in the loop)"
    assert command[:2] == ["briefs", "healthcheck"]
    assert {"interval", "timeout", "start-period", "retries"} <= options.keys()
    stop = dockerfile.final.last("STOPSIGNAL")
    assert stop is not None
    assert stop.arguments == "SIGTERM"


def test_data_volume_and_environment(dockerfile: Dockerfile) -> None:
    final = dockerfile.final
    volume = final.last("VOLUME")
    assert volume is not None
    assert exec_form(volume.arguments) == ["/data"]
    env = final.env({"PATH": "/usr/local/bin:/usr/bin:/bin"})
    assert env["BRIEFS_DATABASE_URL"] == "sqlite:////data/briefs.db"
    assert env["BRIEFS_HOST"] == "0.0.0.0"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    settings = load_settings(env)  # the image's configuration is valid as it stands
    assert settings.sqlite_path == Path("/data/briefs.db")


def test_nothing_is_fetched_from_urls_and_no_build_tools_reach_the_final_stage(
    dockerfile: Dockerfile,
) -> None:
    for stage in dockerfile.stages:
        for add in stage.all("ADD"):
            assert "://" not in add.arguments, f"line {add.line}: ADD of a URL"
    for run in dockerfile.final.all("RUN"):
        assert not BUILD_TOOLS.search(run.arguments), f"line {run.line}: {run.arguments}"
        assert "pip" not in shlex.split(run.arguments), f"line {run.line}: pip in the final stage"
        assert "apt-get" not in run.arguments, f"line {run.line}: packages in the final stage"
    assert "dev.lock" not in DOCKERFILE.read_text()


def test_dependencies_install_from_the_locks_with_hashes(dockerfile: Dockerfile) -> None:
    commands = [
        part.strip()
        for stage in dockerfile.stages
        for run in stage.all("RUN")
        for part in run.arguments.split("&&")
    ]
    pip_installs = [part for part in commands if re.search(r"\bpip\b.* install ", part)]
    text = " && ".join(pip_installs)
    for lock in ("requirements/runtime.lock", "requirements/build.lock"):
        pattern = rf"install --require-hashes[^&]*-r {re.escape(lock)}"
        assert re.search(pattern, text), f"{lock} is not installed with --require-hashes"
    wheel_installs = [part for part in pip_installs if ".whl" in part]
    assert wheel_installs
    assert all("--no-deps" in part for part in wheel_installs)
    for part in pip_installs:
        if "--require-hashes" not in part:
            assert ".whl" in part, f"an install that is not hash-checked: {part}"


def test_the_build_context_holds_what_the_dockerfile_copies() -> None:
    ignore = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore, ".dockerignore is an allow-list"
    for copy in parse(DOCKERFILE).stages[0].all("COPY"):
        *sources, _target = copy.arguments.split()
        for source in sources:
            assert source.rstrip("/") in allowed, f"{source} is excluded from the build context"
