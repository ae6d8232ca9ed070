"""The interactive documentation served from the API itself (`fastapi-offline`): nothing is fetched from a CDN.

ReDoc's bundle still names one image on its CDN (the "API docs by Redocly" logo); on a closed network that request
hangs or fails, so the bundle is served with an empty inline image in its place.
"""

from __future__ import annotations

import functools
from importlib import resources

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

STATIC_URL = "/static-offline-docs"
REDOC_BUNDLE = "redoc.standalone.js"
CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@functools.cache
def _redoc_bundle() -> bytes:
    bundle = resources.files("fastapi_offline").joinpath("static", REDOC_BUNDLE).read_text(encoding="utf-8")
    return bundle.replace(CDN_LOGO, EMPTY_IMAGE).encode()


async def _serve_redoc(_request: Request) -> Response:
    return Response(_redoc_bundle(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})


def serve_offline(app: FastAPI) -> None:
    """Put the patched ReDoc bundle ahead of fastapi-offline's static files."""
    app.router.routes.insert(0, Route(f"{STATIC_URL}/{REDOC_BUNDLE}", _serve_redoc, methods=["GET", "HEAD"]))
