"""Reading images out of v1 requests: a multipart field `file`, or a raw `image/*` body."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from services.inference.errors import BadInput, UnsupportedMediaType

FIELD = "file"
RAW_TYPES = ("image/", "application/octet-stream")
# What Litestar says, with a 400, when a form has more parts than its limit, whatever the body's size.
_PART_LIMIT_DETAIL = "Request Entity Too Large"
HOW = f"Send images as multipart/form-data in the field '{FIELD}', or one image as a raw image/* body."


async def read_images(request: Request) -> list[tuple[str | None, bytes]]:
    """(filename, bytes) of every image in the request; raw bodies have no filename."""
    media_type, _ = request.content_type
    if media_type == "multipart/form-data":
        return await _read_form(request)
    if media_type.startswith(RAW_TYPES):
        return [(None, await request.body())]
    raise UnsupportedMediaType(f"Unsupported content type {media_type or '(none)'!r}. {HOW}")


async def _read_form(request: Request) -> list[tuple[str | None, bytes]]:
    try:
        form = await request.form()
    except ClientException as exc:
        if exc.status_code != 400 or exc.detail != _PART_LIMIT_DETAIL:  # a body over the size limit is a 413
            raise
        limit = request.app.multipart_form_part_limit
        raise BadInput(f"The form has more than {limit:,} parts; send one '{FIELD}' part per image.") from None
    parts = form.getall(FIELD) if FIELD in form else []
    if not parts:
        raise BadInput(f"The form has no field '{FIELD}'. {HOW}")
    images = []
    for part in parts:
        if not isinstance(part, UploadFile):
            raise BadInput(f"The field '{FIELD}' must hold a file upload, not a text value.")
        images.append((part.filename, await part.read()))
    return images


def _binary() -> Schema:
    return Schema(type=OpenAPIType.STRING, format="binary")


def upload_request_body(*, many: bool) -> RequestBody:
    file_schema = Schema(type=OpenAPIType.ARRAY, items=_binary()) if many else _binary()
    form = Schema(type=OpenAPIType.OBJECT, properties={FIELD: file_schema}, required=[FIELD])
    content = {"multipart/form-data": OpenAPIMediaType(schema=form)}
    if not many:
        content["image/*"] = OpenAPIMediaType(schema=_binary())
    return RequestBody(content=content, required=True, description=HOW)


# A dataclass again: Operation's own __init__ does not call a subclass's __post_init__.
@dataclass
class SingleUploadOperation(Operation):
    """OpenAPI for a handler that reads the request itself: one image, as a form or a raw body."""

    def __post_init__(self) -> None:
        self.request_body = upload_request_body(many=False)


@dataclass
class BatchUploadOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = upload_request_body(many=True)
