# The web client, `python -m ui`: the `ui` extra, the sample photos and the panel definitions it shares
# with Grafana (telemetry/). Built from the repository root: docker build -f docker/ui.Dockerfile -t inferlab/ui:local .
FROM python:3.11-slim-bookworm
# checkov:skip=CKV_DOCKER_2: the pods' readiness and liveness probes (manifests/) check health; Kubernetes ignores HEALTHCHECK

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app
# A user of its own, owning the venv and /app so that Tilt's live_update can write there (as no one else).
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /tmp --shell /usr/sbin/nologin inferlab \
    && python -m venv /opt/venv \
    && mkdir /app \
    && chown -R 10001:10001 /opt/venv /app
COPY docker/install-deps.sh /usr/local/bin/install-deps.sh
USER 10001:10001
WORKDIR /app

# The dependencies before the code: this slow layer is rebuilt only when pyproject.toml changes.
ARG RELOAD=false
COPY --chown=10001:10001 pyproject.toml ./
RUN install-deps.sh ui

COPY --chown=10001:10001 lab.json ./
COPY --chown=10001:10001 samples/ samples/
COPY --chown=10001:10001 lab/__init__.py lab/layout.py lab/
COPY --chown=10001:10001 telemetry/ telemetry/
COPY --chown=10001:10001 ui/ ui/

# NiceGUI keeps its storage in the working directory unless told otherwise; /tmp is writable in the pod.
ENV INFERLAB_UI_HOST=0.0.0.0 \
    NICEGUI_STORAGE_PATH=/tmp/nicegui
EXPOSE 8600
CMD ["python", "-m", "ui"]
