"""Every way a call to the service can fail, turned into a message a person understands.

One place, so the classify and compare pages say the same thing for the same failure, and the
service's own `{"error": "..."}` text (already written for people) is shown, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

TITLES = {
    400: "Not an image the service can read",
    404: "Model not found",
    413: "Too large",
    415: "Not an image",
}


@dataclass(eq=False)  # exceptions compare and hash by identity
class ApiError(Exception):
    """A failed call: a short title, the detail, and when to retry (503 with Retry-After)."""

    title: str
    detail: str
    status: int | None = None
    retry_after_s: int | None = None

    def __str__(self) -> str:
        return f"{self.title}: {self.detail}"


def from_response(response: httpx.Response) -> ApiError:
    """A non-2xx answer: the title from the status, the detail from the service's body."""
    detail = _service_message(response)
    status = response.status_code
    if status == 503:
        return _unavailable(detail, _retry_after(response))
    title = TITLES.get(status, f"The service failed (HTTP {status})" if status >= 500 else f"Refused (HTTP {status})")
    return ApiError(title, detail, status)


def from_transport(exc: httpx.TransportError, base_url: str, timeout_s: float) -> ApiError:
    """No answer at all: down, too slow, or the connection broke."""
    if isinstance(exc, httpx.TimeoutException):
        return ApiError("Timed out", f"The service at {base_url} did not answer within {timeout_s:g} s.")
    if isinstance(exc, httpx.ConnectError):
        return ApiError("Service down", f"Nothing answers at {base_url}: is the inference service running?")
    return ApiError("Connection lost", f"The connection to {base_url} broke: {exc or type(exc).__name__}.")


def from_body(response: httpx.Response) -> ApiError:
    """A 2xx answer whose body is not what the v1 API promises (a wrong URL, a proxy page)."""
    return ApiError("Unexpected answer", f"{response.request.url} did not answer like the inference service.")


def upload_too_large(limit_bytes: int, name: str | None = None, size: int | None = None) -> ApiError:
    """Refused by the UI itself, before sending: by the browser's check, or by ours for what skipped it."""
    what = f"{name} is {size:,} bytes" if name is not None and size is not None else "The file is too big"
    return ApiError("Too large", f"{what}; the limit is {limit_bytes:,} bytes ({limit_bytes / 2**20:g} MB).")


def _unavailable(detail: str, retry_after_s: int | None) -> ApiError:
    if retry_after_s is None:
        return ApiError("Service not ready", detail, 503)
    return ApiError(f"Service overloaded: retry in {retry_after_s} s", detail, 503, retry_after_s)


def _service_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"]
    return response.reason_phrase or "no detail given"


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("retry-after", "")
    return int(value) if value.isdigit() else None
