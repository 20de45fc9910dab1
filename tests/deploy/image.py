"""Run the Dockerfile without a Docker engine: its build stage's instructions on this machine, with
the container paths mapped into a temporary folder, and its final stage's ENV, WORKDIR,
ENTRYPOINT and HEALTHCHECK as the way to start and probe the result.

Only the build stage's ``RUN`` lines execute (they create virtualenvs and build the wheel). The
final stage's ``RUN`` creates the service user and ``/data``; on a developer machine that would
change the host, so it is replaced by creating the mapped data folder owned by the ``USER``'s
numeric ids (a numeric user needs no passwd entry to run). Everything else the final stage says is
honoured; the tests run the server as that ``USER`` when they run as root.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.deploy.dockerfile import Dockerfile, exec_form, healthcheck_command, parse_text

DOCKERFILE = REPO_ROOT / "Dockerfile"
# Container paths written by the build, and where they go on this machine (under the root).
BUILD_PATHS = ("/opt/build", "/opt/briefs", "/wheels", "/src")
DATA_PATH = "/data"


def map_paths(text: str, mapping: dict[str, Path]) -> str:
    """Replace each container path (as a whole path prefix) by its host path."""
    for container, host in mapping.items():
        text = re.sub(rf"(?<![\w.]){re.escape(container)}(?![\w.-])", str(host), text)
    return text


@dataclass(frozen=True)
class Runtime:
    """How to start and probe the image with ``/data`` mapped to ``data``."""

    env: dict[str, str]
    entrypoint: list[str]
    healthcheck: list[str]
    workdir: Path
    data: Path
    user: tuple[int, int] | None
    """The final stage's numeric ``USER`` (uid, gid)."""


@dataclass(frozen=True)
class LocalImage:
    """The result of the build stage, under ``root``."""

    root: Path
    wheel: Path

    @property
    def paths(self) -> dict[str, Path]:
        """Container path -> host path for everything the build wrote."""
        return {path: self.root / path.lstrip("/") for path in BUILD_PATHS}

    def runtime(self, data: Path) -> Runtime:
        """The final stage's configuration, with ``/data`` mapped to ``data``, which is created
        as the final stage's ``RUN install -d`` creates ``/data``: owned by the image's user."""
        dockerfile = self.dockerfile({**self.paths, DATA_PATH: data})
        final = dockerfile.final
        user = final.last("USER")
        uid, gid = (None, None) if user is None else _numeric_user(user.arguments)
        data.mkdir(parents=True, exist_ok=True)
        if uid is not None and gid is not None and os.geteuid() == 0:
            os.chown(data, uid, gid)
            data.chmod(0o750)
        env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
        env.update(final.env(env))
        entrypoint = final.last("ENTRYPOINT")
        healthcheck = final.last("HEALTHCHECK")
        workdir = final.last("WORKDIR")
        assert entrypoint is not None
        assert healthcheck is not None
        assert workdir is not None
        argv = exec_form(entrypoint.arguments)
        _, probe = healthcheck_command(healthcheck.arguments)
        assert argv is not None
        assert probe is not None
        return Runtime(
            env=env,
            entrypoint=argv,
            healthcheck=probe,
            workdir=Path(workdir.arguments),
            data=data,
            user=None if uid is None or gid is None else (uid, gid),
        )

    def dockerfile(self, mapping: dict[str, Path]) -> Dockerfile:
        """The Dockerfile with container paths mapped to host paths."""
        return parse_text(map_paths(DOCKERFILE.read_text(), mapping))


def _copy_into(sources: list[str], target: Path) -> None:
    """``COPY`` semantics for a folder target: files go into it, folders' contents merge in."""
    for source in sources:
        origin = REPO_ROOT / source
        if origin.is_dir():
            shutil.copytree(
                origin,
                target,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / origin.name)


def _numeric_user(text: str) -> tuple[int, int]:
    uid, _, gid = text.partition(":")
    return int(uid), int(gid or uid)


def base_python() -> Path:
    """The interpreter standing in for the base image's ``python``: the system's Python 3.11 when
    every user may run it (so the image's non-root user can), else the one behind this venv."""
    system = Path("/usr/bin/python3.11")
    if system.is_file() and os.access(system, os.X_OK):
        return system
    return Path(getattr(sys, "_base_executable", sys.executable))


def build(root: Path) -> LocalImage:
    """Execute the Dockerfile's build stage with its paths under ``root``."""
    image = LocalImage(root=root, wheel=root)  # wheel filled in below
    dockerfile = image.dockerfile(image.paths)
    build_stage = dockerfile.stages[0]
    # `python` in the Dockerfile is the base image's interpreter.
    shims = root / "shims"
    shims.mkdir(parents=True, exist_ok=True)
    (shims / "python").symlink_to(base_python())
    env = {"PATH": f"{shims}:{os.environ['PATH']}", "LANG": "C.UTF-8"}
    env |= {key: os.environ[key] for key in ("HOME", "PIP_CACHE_DIR") if key in os.environ}
    workdir = root
    for instruction in build_stage.instructions:
        match instruction.keyword:
            case "ENV":
                env.update(build_stage.env(env))
                # The image turns pip's cache off to keep its layers small; here the cache is
                # what makes a repeated build take seconds instead of downloading every wheel.
                env.pop("PIP_NO_CACHE_DIR", None)
            case "WORKDIR":
                workdir = Path(instruction.arguments)
                workdir.mkdir(parents=True, exist_ok=True)
            case "COPY":
                *sources, target = instruction.arguments.split()
                assert target.endswith("/"), f"line {instruction.line}: COPY to a folder/"
                _copy_into(sources, workdir / target)
            case "RUN":
                result = subprocess.run(
                    ["/bin/sh", "-c", instruction.arguments],
                    cwd=workdir,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if result.returncode != 0:
                    raise RuntimeError(
                        f"Dockerfile line {instruction.line} failed ({result.returncode}):\n"
                        f"{instruction.arguments}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
                    )
            case _:
                raise RuntimeError(
                    f"line {instruction.line}: no emulation of {instruction.keyword}"
                )
    wheels = sorted((root / "wheels").glob("briefs-*.whl"))
    assert len(wheels) == 1, wheels
    return LocalImage(root=root, wheel=wheels[0])
