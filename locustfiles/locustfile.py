"""What Locust loads (`locust -f locustfiles/locustfile.py`): the users, the chosen shape, the hooks.

Locust picks up every user class and shape class bound in this module, so the shape is bound only
when one is chosen (INFERLAB_LOAD_SHAPE=none leaves users and time to Locust's options or web UI).
Run it through `python -m locustfiles.run` (headless, with reports) or `python -m locustfiles.web`.
"""

from __future__ import annotations

from locust import events

from locustfiles import hooks, loadshape, users
from locustfiles.settings import LoadSettings
from locustfiles.users import BadInputUser, OpenInferenceUser, UploadUser

settings = LoadSettings()
users.configure(settings)
hooks.install(events, settings)
SelectedShape = loadshape.PlannedShape if settings.shape != "none" else None

__all__ = ["BadInputUser", "OpenInferenceUser", "SelectedShape", "UploadUser"]
