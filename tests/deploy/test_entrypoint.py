"""The image, run without a Docker engine: the Dockerfile's build stage executed here (virtualenvs
from the hash-pinned locks, the project wheel), then its final stage's ENTRYPOINT with its ENV,
``/data`` mapped to a temporary folder and its HEALTHCHECK as the readiness probe.

Scenario: healthy -> token -> write -> SIGTERM (exit within 20 s) -> restart -> the write is there.
Once as is, once as in a container started with ``docker run --read-only -v data:/data``: in a
private mount namespace where every mount but the data folder is remounted read-only, and a private
PID namespace where the entrypoint is PID 1 and gets ``docker stop``'s SIGTERM.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest

from tests.conftest import in_ci
from tests.deploy.image import LocalImage, Runtime, build
from tests.deploy.processes import ServerProcess, free_port

# Building the image (two virtualenvs from the locks, a wheel) takes half a minute on a quiet
# machine and counts against the first test's timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

STOP_DEADLINE_SECONDS = 20.0
TOKEN = re.compile(r"\bbrf_[A-Za-z0-9_-]{20,}")
STORY = {"id": "deploy-smoke", "title": "Deployment smoke test"}
BRIEF = {"id": "first-light", "as_of": "2026-11-27", "headline": "The service keeps its data"}

# Runs as: sh -c READ_ONLY_ROOT sh DATA_DIR COMMAND... inside `unshare --mount`.
READ_ONLY_ROOT = r"""
set -eu
data=$1; shift
mount --bind "$data" "$data"
awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r point; do
  case "$point" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|"$data") continue ;; esac
  mount -o remount,bind,ro "$point"
done
exec "$@"
"""


@pytest.fixture(scope="module")
def image() -> Iterator[LocalImage]:
    # Not under pytest's temporary folder: that one is private to root, and the server runs as
    # the image's unprivileged USER, which must reach the virtualenv and its data folder.
    root = Path(tempfile.mkdtemp(prefix="briefs-image-"))
    root.chmod(0o755)
    try:
        yield build(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def data(image: LocalImage) -> Path:
    """A fresh folder standing in for the ``/data`` volume."""
    volumes = image.root / "volumes"
    volumes.mkdir(mode=0o755, exist_ok=True)
    volume = Path(tempfile.mkdtemp(dir=volumes))
    volume.chmod(0o755)
    return volume / "data"


def as_image_user(runtime: Runtime) -> list[str]:
    """Run as the image's numeric USER, as the container runtime does (only possible as root)."""
    if runtime.user is None or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "util-linux setpriv is needed to run as the image's USER"
    uid, gid = runtime.user
    return [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]


def skip_outside_ci(reason: str) -> None:
    """Skip on a laptop that cannot run the check; fail in CI, whose machine can."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the read-only run may not be skipped)")
    pytest.skip(reason)


def container_namespaces(data: Path) -> list[str]:
    """A private mount namespace with a read-only root (``data`` stays writable) and a private
    PID namespace, where the command is PID 1 as in a container."""
    unshare = shutil.which("unshare")
    if unshare is None:
        skip_outside_ci("read-only root: util-linux `unshare` is not installed")
    namespaces = ["--mount", "--propagation", "private", "--pid", "--fork", "--mount-proc"]
    return [unshare, *namespaces, "sh", "-c", READ_ONLY_ROOT, "sh", str(data)]


def check_read_only(namespaces: list[str], user: list[str], image: LocalImage, data: Path) -> None:
    """Skip when mount namespaces are not allowed here; fail when even root can still write to
    the root filesystem, or when the image's user cannot write to the data folder."""
    probe = subprocess.run(
        [*namespaces, "true"], capture_output=True, text=True, timeout=30, check=False
    )
    if probe.returncode != 0:
        skip_outside_ci(
            "read-only root: cannot remount / read-only in a private mount namespace "
            f"(needs root or CAP_SYS_ADMIN): {probe.stderr.strip()}"
        )
    root_write = subprocess.run(
        [*namespaces, "touch", str(image.root / ".rw-probe")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert root_write.returncode != 0, "the root filesystem is still writable"
    assert "Read-only file system" in root_write.stderr
    data_write = subprocess.run(
        [*namespaces, *user, "touch", str(data / ".rw-probe")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert data_write.returncode == 0, f"the data folder is not writable: {data_write.stderr}"
    (data / ".rw-probe").unlink()


def run_tool(wrapper: Sequence[str], runtime: Runtime, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [*wrapper, *args],
        env=env,
        cwd=runtime.workdir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def exercise(
    runtime: Runtime, wrapper: Sequence[str], logs: Path, *, pid_namespace: bool = False
) -> None:
    port = free_port()
    env = {**runtime.env, "BRIEFS_PORT": str(port)}  # `-p` would map it; here ports are shared
    server = ServerProcess([*wrapper, *runtime.entrypoint], env=env, cwd=runtime.workdir, logs=logs)
    server.start()
    try:
        server.wait_healthy([*wrapper, *runtime.healthcheck])
        created = run_tool(
            wrapper,
            runtime,
            env,
            "briefs",
            "token",
            "create",
            "--scope",
            "write",
            "--name",
            "smoke",
        )
        match = TOKEN.search(created)
        assert match is not None, created
        token = match.group(0)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            stories = http.get("/v1/stories")
            assert stories.status_code == 200
            assert "ceasefire-2025" in stories.text, "the fixtures shipped in the wheel were loaded"
            auth = {"Authorization": f"Bearer {token}"}
            story = http.post(
                "/v1/stories", json=STORY, headers={**auth, "X-Request-ID": "smoke-1"}
            )
            assert story.status_code == 201, story.text
            brief = http.post("/v1/stories/deploy-smoke/briefs", json=BRIEF, headers=auth)
            assert brief.status_code == 201, brief.text
            metrics = http.get("/metrics")
            assert 'route="/v1/stories/{story_id}/briefs"' in metrics.text
        # As `docker stop`: SIGTERM to the entrypoint, which is PID 1 in its own PID namespace
        # (where the kernel drops signals that PID 1 has no handler for).
        pid1 = server.namespace_init() if pid_namespace else None
        code, seconds = server.terminate(STOP_DEADLINE_SECONDS, target=pid1)
        assert code == 0, f"exit code {code} after SIGTERM\n{server.logs()}"
        assert seconds < STOP_DEADLINE_SECONDS

        records = server.json_logs()
        (post,) = [
            r for r in records if r.get("request_id") == "smoke-1" and r.get("status") == 201
        ]
        assert post["token_name"] == "smoke"
        assert post["route"] == "/v1/stories"
        assert token not in server.stdout_path.read_text() + server.stderr_path.read_text()

        server.start()
        server.wait_healthy([*wrapper, *runtime.healthcheck])
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            kept = http.get("/v1/stories/deploy-smoke/briefs/first-light")
            assert kept.status_code == 200, kept.text
            assert kept.json()["headline"] == BRIEF["headline"]
        pid1 = server.namespace_init() if pid_namespace else None
        code, _ = server.terminate(STOP_DEADLINE_SECONDS, target=pid1)
        assert code == 0
    finally:
        server.kill()
    assert (runtime.data / "briefs.db").is_file(), "the database lives in the /data volume"


def test_the_wheel_ships_the_fixtures(image: LocalImage) -> None:
    names = zipfile.ZipFile(image.wheel).namelist()
    stories = [
        name for name in names if re.fullmatch(r"service/_fixtures/stories/[^/]+/story\.json", name)
    ]
    assert stories, "the wheel has no fixture stories"
    assert any(
        name.startswith("service/_fixtures/stories/") and "/briefs/" in name for name in names
    )
    assert not [name for name in names if "__pycache__" in name or name.startswith("tests/")]


def test_the_runtime_virtualenv_has_no_build_tools(image: LocalImage) -> None:
    site = next((image.root / "opt" / "briefs" / "lib").glob("python3*/site-packages"))
    installed = {path.name.split("-")[0].lower() for path in site.glob("*.dist-info")}
    assert "briefs" in installed
    assert not installed & {"pip", "setuptools", "wheel", "hatchling", "pytest", "ruff", "mypy"}


def check_ran_as_image_user(runtime: Runtime) -> None:
    if runtime.user is not None and os.geteuid() == 0:
        owner = (runtime.data / "briefs.db").stat()
        assert (owner.st_uid, owner.st_gid) == runtime.user, "the database was not written as USER"


def test_entrypoint_serves_stops_on_sigterm_and_keeps_data(
    image: LocalImage, data: Path, tmp_path: Path
) -> None:
    runtime = image.runtime(data)
    exercise(runtime, as_image_user(runtime), tmp_path / "server")
    check_ran_as_image_user(runtime)


def test_entrypoint_on_a_read_only_root_filesystem(
    image: LocalImage, data: Path, tmp_path: Path
) -> None:
    runtime = image.runtime(data)
    namespaces, user = container_namespaces(data), as_image_user(runtime)
    check_read_only(namespaces, user, image, data)
    exercise(runtime, [*namespaces, *user], tmp_path / "server", pid_namespace=True)
    check_ran_as_image_user(runtime)
