"""/docs (Swagger UI) and /redoc served with their scripts, styles and favicon from this server.

FastAPI's own pages load Swagger UI from a CDN and the favicon from fastapi.tiangolo.com, so
/docs was blank offline or behind a strict firewall. The assets come from the
``fastapi-offline`` package (its ``static`` folder: Swagger UI's bundle and CSS, ReDoc's
standalone bundle, a favicon) and are served under /static/docs/, so no third-party host is
ever asked for anything. The app is built with ``docs_url=None, redoc_url=None``.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

from api.errors import NotFound

ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/static/docs"  # matched before the /static mount; never rate-limited
SWAGGER_JS, SWAGGER_CSS, REDOC_JS, FAVICON = (
    "swagger-ui-bundle.js",
    "swagger-ui.css",
    "redoc.standalone.js",
    "favicon.png",
)
ASSETS = {
    SWAGGER_JS: "text/javascript",
    SWAGGER_CSS: "text/css",
    REDOC_JS: "text/javascript",
    FAVICON: "image/png",
}
ASSET_MAX_AGE_S = 86_400
OAUTH2_REDIRECT = "/docs/oauth2-redirect"

router = APIRouter(include_in_schema=False)


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - Swagger UI",
        oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT}",
        swagger_js_url=f"{root}{ASSETS_URL}/{SWAGGER_JS}",
        swagger_css_url=f"{root}{ASSETS_URL}/{SWAGGER_CSS}",
        swagger_favicon_url=f"{root}{ASSETS_URL}/{FAVICON}",
        swagger_ui_parameters=request.app.swagger_ui_parameters,
    )


@router.get(OAUTH2_REDIRECT, response_class=HTMLResponse)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{ASSETS_URL}/{REDOC_JS}",
        redoc_favicon_url=f"{root}{ASSETS_URL}/{FAVICON}",
        with_google_fonts=False,
    )


@router.get(ASSETS_URL + "/{name}", include_in_schema=False)  # files, not API
def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise NotFound(f"no asset {name}")
    return FileResponse(
        ASSETS_DIR / name,
        media_type=ASSETS[name],
        headers={"Cache-Control": f"public, max-age={ASSET_MAX_AGE_S}"},
    )


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    return asset(FAVICON)
