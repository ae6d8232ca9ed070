"""The OpenAPI document an integrator builds from: every operation named, tagged, secured and shown with an example of
its request and its answer; every field described and typed; every instant written in Ha Noi time."""

from __future__ import annotations

import typing
from datetime import datetime

from pydantic import BaseModel, TypeAdapter

from api.app import ROUTERS, answer_example, create_app
from schemas.glossary import describe
from schemas.time import Instant


def test_the_openapi_document_names_its_operations_security_examples_and_problems():
    document = create_app().openapi()
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    for path, method, operation in operations:
        assert operation["operationId"][0].islower() and "_" not in operation["operationId"], operation["operationId"]
        assert operation.get("tags"), path
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")) and (path, status) != ("/readyz", "503"):
                assert list(answer["content"]) == ["application/problem+json"], (path, method, status)
        if method == "post":
            content = operation["requestBody"]["content"]["application/json"]
            assert content.get("examples"), (path, "request example")
    assert len({op["operationId"] for _, _, op in operations}) == len(operations)


def test_every_operation_shows_the_walkthroughs_answer_and_every_field_is_described():
    document = create_app().openapi()
    routes = [route for router in ROUTERS for route in router.routes if route.include_in_schema]
    for route in routes:
        example = answer_example(route.operation_id)
        assert example is not None, f"no answer example for {route.operation_id}: run `python -m tests.record_examples`"
        TypeAdapter(route.response_model).validate_python(example)
    shown = [op["responses"] for ops in document["paths"].values() for op in ops.values()]
    assert all(any("example" in answer.get("content", {}).get("application/json", {}) for answer in responses.values())
               for responses in shown)
    assert describe(document["components"]["schemas"]) == []
    properties = [(name, field, prop) for name, schema in document["components"]["schemas"].items()
                  for field, prop in schema.get("properties", {}).items()]
    assert all("description" in prop for _, _, prop in properties)
    # Every field says its shape (a serializer without a declared return type leaves a field untyped).
    untyped = [f"{name}.{field}" for name, field, prop in properties if not {"type", "$ref", "anyOf", "allOf", "oneOf", "const", "enum"} & set(prop)]
    assert untyped == []


def _instants_not_in_hanoi(shape: object, where: str, seen: set[type]) -> list[str]:
    """The fields within an answer's type that hold an instant not written in Ha Noi time (`schemas.time.Instant`)."""
    if typing.get_origin(shape) is typing.Annotated:
        written = typing.get_args(Instant)[1]
        return [] if written in typing.get_args(shape)[1:] else _instants_not_in_hanoi(typing.get_args(shape)[0], where, seen)
    if typing.get_origin(shape) is not None:
        return [found for part in typing.get_args(shape) for found in _instants_not_in_hanoi(part, where, seen)]
    if not isinstance(shape, type):
        return []
    if issubclass(shape, datetime) or shape.__name__ in ("AwareDatetime", "NaiveDatetime"):
        return [where]
    if not issubclass(shape, BaseModel) or shape in seen:
        return []
    seen.add(shape)
    return [found for name, field in shape.model_fields.items()
            for found in _instants_not_in_hanoi(typing.Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation,
                                                f"{shape.__name__}.{name}", seen)]


def test_every_instant_an_answer_holds_is_written_in_ha_noi_time():
    """Found by a fresh-user trial: `readOpinionComments` answered `received_at` and `answered_at` in UTC (`...Z`), where
    every other answer writes `+07:00`."""
    routes = [route for router in ROUTERS for route in router.routes if getattr(route, "response_model", None) is not None]
    assert len(routes) >= 10
    shapes = [(route.operation_id, shape) for route in routes
              for shape in (route.response_model, *(extra["model"] for extra in route.responses.values() if "model" in extra))]
    seen: set[type] = set()
    assert [found for operation, shape in shapes for found in _instants_not_in_hanoi(shape, operation, seen)] == []
    assert "readOpinionComments" in {operation for operation, _ in shapes}


def test_an_integers_bounds_are_integers_it_can_hold():
    """Found by a ministry's trial: FastAPI's models wrote PostgreSQL's bigint bound as 9.223372036854776e+18, a float one
    above it, which client generators refuse."""
    bounds = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "integer":
                bounds.extend(node[b] for b in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") if b in node)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(create_app().openapi())
    assert 2**63 - 1 in bounds and all(type(b) is int and -(2**63) <= b <= 2**63 - 1 for b in bounds), sorted(set(map(repr, bounds)))


def test_a_failing_readiness_is_served_as_the_document_declares_it():
    """Found by an integrator's trial: `/readyz` answered its 503 (the Health shape) as `application/json`, the document
    declared `application/problem+json`; nor did it say when to ask again, as every other 503 does."""
    from workers.health import readiness_response

    declared = create_app().openapi()["paths"]["/readyz"]["get"]["responses"]["503"]
    answer = readiness_response({"temporal": "failing: does not answer (TimeoutError)", "postgres": "ok"})
    assert answer.status_code == 503 and list(declared["content"]) == [answer.media_type] == ["application/json"]
    assert "Retry-After" in declared["headers"] and int(answer.headers["Retry-After"]) > 0
    assert "Retry-After" not in readiness_response({"temporal": "ok", "postgres": "ok"}).headers


def test_every_operation_answering_a_link_to_its_next_page_declares_it():
    """Read off the routes that call `link_next` or `link_after` (found by an integrator's trial: the public consultations'
    two pages sent `Link` undeclared)."""
    import inspect

    from fastapi.routing import APIRoute

    document = create_app().openapi()
    linking = {route.operation_id or route.name for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)
               and any(call in inspect.getsource(route.endpoint) for call in ("link_next(", "link_after("))}
    assert {"listSubmissions", "listPublicConsultations", "readPublicConsultation"} <= linking
    for operations in document["paths"].values():
        for operation in operations.values():
            if operation["operationId"] in linking:
                assert "Link" in operation["responses"]["200"]["headers"], operation["operationId"]
