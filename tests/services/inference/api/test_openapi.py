"""The OpenAPI schema: served, and documenting the upload bodies that handlers read themselves."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

BINARY = {"type": "string", "format": "binary"}


@pytest.fixture(scope="module")
def schema(client: TestClient) -> dict:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_route_is_documented(schema: dict):
    assert {
        "/v1/predict",
        "/v1/predict/batch",
        "/v1/models",
        "/v2",
        "/v2/health/live",
        "/v2/health/ready",
        "/v2/models/{name}",
        "/v2/models/{name}/versions/{version}",
        "/v2/models/{name}/ready",
        "/v2/models/{name}/infer",
        "/v2/models/{name}/versions/{version}/infer",
    } <= set(schema["paths"])
    assert schema["info"]["title"] == "inferlab inference service"


def test_predict_takes_a_multipart_form_or_a_raw_image(schema: dict):
    body = schema["paths"]["/v1/predict"]["post"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"multipart/form-data", "image/*"}
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["file"] == BINARY
    assert form["required"] == ["file"]
    assert body["content"]["image/*"]["schema"] == BINARY


def test_batch_takes_several_files(schema: dict):
    body = schema["paths"]["/v1/predict/batch"]["post"]["requestBody"]
    assert set(body["content"]) == {"multipart/form-data"}
    assert body["content"]["multipart/form-data"]["schema"]["properties"]["file"] == {"type": "array", "items": BINARY}


def test_predict_documents_its_query_and_response(schema: dict):
    operation = schema["paths"]["/v1/predict"]["post"]
    assert {p["name"] for p in operation["parameters"]} == {"top_k", "model", "version"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("PredictResponse")
    assert operation["tags"] == ["v1: upload API"]


def error_schema(schema: dict, operation: dict, status: str) -> dict:
    reference = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][reference.rsplit("/", 1)[1]]


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/v1/predict", {"400", "404", "413", "415", "503"}),
        ("/v1/predict/batch", {"400", "404", "413", "415", "503"}),
        ("/v2/models/{name}/infer", {"400", "404", "413", "503"}),
        ("/v2/models/{name}/versions/{version}/infer", {"400", "404", "413", "503"}),
    ],
)
def test_errors_are_documented_as_the_service_sends_them(schema: dict, path: str, statuses: set[str]):
    operation = schema["paths"][path]["post"]
    assert statuses <= set(operation["responses"])
    for status in statuses:
        body = error_schema(schema, operation, status)
        assert body["required"] == ["error"] and set(body["properties"]) == {"error"}


def test_infer_documents_its_request_body(schema: dict):
    body = schema["paths"]["/v2/models/{name}/infer"]["post"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/json", "application/octet-stream"}
    request = body["content"]["application/json"]["schema"]
    assert request["required"] == ["inputs"]
    assert request["properties"]["inputs"]["items"]["required"] == ["name", "datatype", "shape"]
