"""Domain errors. Each carries its HTTP status; one handler in `api.errors` maps them to responses.

The runtime raises these without knowing about HTTP: the status is data, not behaviour.
"""

from __future__ import annotations


class InferlabError(Exception):
    """Base of every error the service reports to its clients."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(InferlabError):
    """The request's content cannot be used (bad image, wrong tensor, bad JSON)."""

    status_code = 400


class InvalidImage(BadInput):
    """The bytes are not an image Pillow can decode."""


class ImageTooLarge(InferlabError):
    """The image's pixel count is over the limit (e.g. a decompression bomb)."""

    status_code = 413


class UnsupportedMediaType(InferlabError):
    status_code = 415


class ModelNotFound(InferlabError):
    status_code = 404


class ModelNotReady(InferlabError):
    status_code = 503


class Overloaded(InferlabError):
    """Every worker is busy and the queue is full: the client should retry later."""

    status_code = 503

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ModelLoadError(Exception):
    """A model file could not be loaded; raised at start-up, never to a client."""
