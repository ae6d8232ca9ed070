"""Liveness and readiness of the API process, for an orchestrator's probes."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from api.deps import known_parameters
from api.plumbing import Router
from workers.health import Health, dependency_checks, readiness_response

router = Router(tags=["health"])


@router.get("/healthz", operation_id="checkLiveness", summary="Liveness", response_model=Health,
            dependencies=[Depends(known_parameters())])
async def alive() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok", checks={})


@router.get("/readyz", operation_id="checkReadiness", summary="Readiness: Temporal and PostgreSQL answer", response_model=Health, responses={503: {"model": Health}},
            dependencies=[Depends(known_parameters())])
async def ready(http: Request) -> JSONResponse:
    """Readiness: Temporal and PostgreSQL both answer."""
    return readiness_response(await dependency_checks(http.app.state.client, http.app.state.pool))
