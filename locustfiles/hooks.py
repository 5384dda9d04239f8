"""Locust event listeners: keep the users the tags select, and export Locust's figures to Prometheus.

Both run on the master (or the only process): it decides the users' mix and holds the merged
statistics; workers only run the users they are sent.
"""

from __future__ import annotations

import logging
from typing import Any

import gevent
from flask import Response
from gevent.pywsgi import WSGIServer
from locust.env import Environment
from locust.event import Events
from locust.runners import MasterRunner, WorkerRunner
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, make_wsgi_app

from locustfiles import users
from locustfiles.announce import announce
from locustfiles.collector import figures_of, register
from locustfiles.selection import selected_users
from locustfiles.settings import LoadSettings

log = logging.getLogger(__name__)
LAST_SCRAPE_S = 2.5  # a little over the lab's scrape interval for Locust (2 s)


def install(events: Events, settings: LoadSettings) -> None:
    def on_init(environment: Environment, runner: Any, web_ui: Any = None, **_: Any) -> None:
        if not isinstance(runner, MasterRunner):
            users.prepare(settings)  # processes that run users build their bodies before the clock starts
        if isinstance(runner, WorkerRunner):
            return
        keep_tagged_users(environment)
        serve_metrics(environment, runner, web_ui, settings)

    events.init.add_listener(on_init)


def keep_tagged_users(environment: Environment) -> None:
    options = environment.parsed_options
    tags, exclude = getattr(options, "tags", None), getattr(options, "exclude_tags", None)
    kept = selected_users(environment.user_classes, tags, exclude)
    if not kept:
        raise ValueError(f"no user has a task tagged {tags} (tags: v1, upload, v2, oip, bad)")
    environment.user_classes[:] = kept


def serve_metrics(environment: Environment, runner: Any, web_ui: Any, settings: LoadSettings) -> None:
    """`/metrics` on the web UI when there is one, else on `metrics_port` when set, else nowhere."""
    registry = CollectorRegistry()
    register(registry, lambda: figures_of(runner))
    if web_ui is not None:
        view = lambda: Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)  # noqa: E731
        web_ui.app.add_url_rule("/metrics", "inferlab_metrics", view)
    elif settings.metrics_port is not None:
        server = WSGIServer((settings.web_host, settings.metrics_port), make_wsgi_app(registry), log=None)
        server.start()
        address = f"{settings.web_host}:{server.server_port}"
        log.info("Locust's figures for Prometheus at http://%s/metrics", address)
        target = None
        if settings.targets_dir is not None:
            run = settings.report_dir.name if settings.report_dir else "headless"
            target = announce(settings.targets_dir, address, {"load_test": run})

        def stop(**_: Any) -> None:
            gevent.sleep(LAST_SCRAPE_S)  # the final figures reach Prometheus before the target goes
            if target is not None:
                target.unlink(missing_ok=True)
            server.stop(timeout=1)

        environment.events.quitting.add_listener(stop)
