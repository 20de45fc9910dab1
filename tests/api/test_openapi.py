"""The OpenAPI document: 3.1, every operation of docs/api.md, documented parameters and errors."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Api
from tests.conftest import REPO_ROOT


def documented_operation_ids() -> set[str]:
    """The operation ids of the endpoint table in docs/api.md."""
    table = (REPO_ROOT / "docs" / "api.md").read_text()
    return set(
        re.findall(r"^\| (?:GET|POST|PUT|PATCH|DELETE) \| \S+ \| (\w+) \|", table, re.MULTILINE)
    )


async def openapi(api: Api) -> dict[str, Any]:
    response = await api.request("GET", "/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_openapi_lists_every_documented_operation(api: Api) -> None:
    document = await openapi(api)
    assert document["openapi"].startswith("3.1")
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
    }
    assert operations == documented_operation_ids()


async def test_operations_document_parameters_and_problem_responses(api: Api) -> None:
    document = await openapi(api)
    for path, item in document["paths"].items():
        if path == "/metrics":
            continue  # owned by the observability module
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            assert operation.get("description"), f"{where}: no docstring"
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{where}: {parameter['name']} undocumented"
            responses = operation["responses"]
            assert {"400", "500"} <= set(responses), where
            for status, response in responses.items():
                if int(status) >= 400:
                    content = response["content"]["application/problem+json"]
                    assert content["schema"] == {"$ref": "#/components/schemas/ProblemDetail"}, (
                        where
                    )
            if operation["operationId"] in {"updateBrief"}:
                assert {"412", "428"} <= set(responses)
            if "requestBody" in operation:
                assert {"413", "415", "422"} <= set(responses), where


async def test_docs_page_is_served(api: Api) -> None:
    response = await api.request("GET", "/schema")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
