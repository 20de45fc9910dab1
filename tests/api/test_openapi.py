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


async def test_document_passes_the_official_validator(api: Api) -> None:
    from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

    errors = [
        f"{list(error.path)}: {error.message[:200]}"
        for error in OpenAPIV31SpecValidator(await openapi(api)).iter_errors()
    ]
    assert errors == []


def _schemas_reached(document: dict[str, Any], roots: list[Any]) -> dict[str, dict[str, Any]]:
    """Every object schema (component or inline) reachable from ``roots``, by a JSON path."""
    components = document["components"]["schemas"]
    found: dict[str, dict[str, Any]] = {}
    pending = [("$", root) for root in roots]
    seen: set[str] = set()
    while pending:
        where, node = pending.pop()
        if isinstance(node, list):
            pending += [(f"{where}[{i}]", item) for i, item in enumerate(node)]
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                name = ref.rsplit("/", 1)[-1]
                pending.append((name, components[name]))
            if node.get("type") == "object" or "properties" in node:
                found[where] = node
            pending += [(f"{where}.{key}", value) for key, value in node.items()]
    return found


async def test_request_bodies_are_closed_at_every_depth_and_responses_open(api: Api) -> None:
    document = await openapi(api)
    operations = [op for item in document["paths"].values() for op in item.values()]
    bodies = [op["requestBody"] for op in operations if "requestBody" in op]
    assert {op["operationId"] for op in operations if "requestBody" in op} == {
        "createStory",
        "updateStory",
        "createBrief",
        "updateBrief",
        "createToken",
        "createWebhook",
        "draftFromArticle",
    }
    reached = _schemas_reached(document, bodies)
    assert {"QuoteInput", "PositionInput", "PartyInput", "FuzzyDateInput"} <= set(reached)
    open_ = [
        where
        for where, schema in reached.items()
        if schema.get("additionalProperties") is not False
    ]
    assert open_ == []
    components = document["components"]["schemas"]
    for response_model in ("Brief", "Story", "Quote", "Party", "Issue"):
        assert "additionalProperties" not in components[response_model], response_model


async def test_document_says_what_the_server_does(api: Api) -> None:
    document = await openapi(api)
    components = document["components"]["schemas"]
    slug = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
    for model in ("Issue", "IssueInput", "Event", "EventInput"):
        assert components[model]["properties"]["parties"]["items"]["pattern"] == slug, model
    update = document["paths"]["/v1/stories/{story_id}/briefs/{brief_ref}"]["put"]
    (if_match,) = [p for p in update["parameters"] if p["name"] == "If-Match"]
    assert if_match["required"] is True
    created = document["paths"]["/v1/stories"]["post"]["responses"]["201"]
    assert created["headers"]["Location"]["schema"] == {"type": "string"}
    for item in document["paths"].values():
        for operation in item.values():
            if "requestBody" in operation:
                assert "408" in operation["responses"], operation["operationId"]


async def test_yaml_document_is_served(api: Api) -> None:
    import yaml

    response = await api.request("GET", "/schema/openapi.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.text) == await openapi(api)
