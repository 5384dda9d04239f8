"""The log's errors, each with its HTTP status; the controller maps them to `{"error": ...}`."""

from __future__ import annotations


class PredictionLogError(Exception):
    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PredictionNotFound(PredictionLogError):
    status_code = 404


class BadRequest(PredictionLogError):
    status_code = 400


class LogUnavailable(PredictionLogError):
    """The database does not answer (or the log is off): try again later."""

    status_code = 503

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
