# Briefs service image: `docker build -t briefs .`, then see docs/deploy.md.
#
# Two stages. `build` installs the hash-pinned runtime lock into a virtualenv and builds the
# project wheel with the hash-pinned hatchling of requirements/build.lock. The final stage copies
# only that virtualenv onto the same slim base: no compiler, no build backend, no pip, no dev lock.
#
# The base is pinned to an exact Python patch release and Debian suite. For byte-for-byte
# reproducible builds, pin its digest too: `docker buildx imagetools inspect <image>` prints it,
# then use `python:3.11.14-slim-bookworm@sha256:<digest>`.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_NO_INPUT=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src

# Dependencies first: this layer is rebuilt only when a lockfile changes.
COPY requirements/runtime.lock requirements/build.lock requirements/
RUN python -m venv /opt/build \
    && /opt/build/bin/pip install --require-hashes --no-deps -r requirements/build.lock \
    && python -m venv --without-pip /opt/briefs \
    && /opt/build/bin/pip --python /opt/briefs/bin/python install --require-hashes -r requirements/runtime.lock

# The project itself, as a wheel (it carries the fixture stories as service/_fixtures).
COPY pyproject.toml README.md ./
COPY service/ service/
COPY tui/ tui/
COPY fixtures/ fixtures/
RUN /opt/build/bin/pip wheel --no-deps --no-build-isolation --wheel-dir /wheels . \
    && /opt/build/bin/pip --python /opt/briefs/bin/python install --no-deps /wheels/briefs-*.whl \
    && /opt/build/bin/pip --python /opt/briefs/bin/python check \
    && /opt/briefs/bin/python -c "from service.fixtures import default_fixtures_dir as d; assert any(d().glob('*/story.json')), d()"


FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="briefs" \
      org.opencontainers.image.description="Evolving news stories as timelines of dated briefs, with semantic diffs" \
      org.opencontainers.image.licenses="MIT"

# A fixed numeric user, so that volume ownership and `runAsUser`-style policies can rely on it.
RUN groupadd --system --gid 10001 briefs \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin briefs \
    && install --directory --owner=10001 --group=10001 --mode=0750 /data

COPY --from=build /opt/briefs /opt/briefs

ENV PATH=/opt/briefs/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BRIEFS_HOST=0.0.0.0 \
    BRIEFS_PORT=8000 \
    BRIEFS_DATABASE_URL=sqlite:////data/briefs.db \
    BRIEFS_LOG_FORMAT=json

# Only /data is written to (the SQLite database), so the root filesystem can be read-only.
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
EXPOSE 8000

# No curl in a slim image: the probe is the service's own stdlib-only command.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["briefs", "healthcheck"]

# granian stops accepting, lets in-flight requests finish (BRIEFS_SHUTDOWN_GRACE_SECONDS), exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["briefs", "serve"]
