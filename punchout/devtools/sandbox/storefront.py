"""The sandbox storefront: the pages a punched-out user designs in.

``GET /storefront/<id>?token=<PIPO token>&return_url=<url>`` shows the storefront, who is
signed in, the product templates to personalise and the user's saved projects, with a
"Return to procurement" link to ``return_url`` exactly as given (only http/https are linked).
Saving and deleting are POSTs that redirect back (POST-redirect-GET) carrying the token and
return URL in hidden fields. A bad or idle token gets a readable 403 page.

The token in the URL is the whole credential, as with PrintNow's own punch-in links; there is
no CSRF token (a sandbox), pages are never cached and send no Referer, and everything shown is
escaped by Jinja's autoescaping.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from punchout.devtools.sandbox.catalog import TEMPLATES, clean_fields, find_template
from punchout.devtools.sandbox.errors import ApiError
from punchout.devtools.sandbox.wire import state

bp = Blueprint("storefront", __name__)

EXPIRED_TEXT = "Your session has expired; start again from your procurement system."
#: Field labels by template, to show saved personalisation readably.
LABELS = {t.integration_id: {f.name: f.label for f in t.fields} for t in TEMPLATES}


def _page(template: str, status: int = 200, **context: Any) -> Response:
    return Response(render_template(template, **context), status=status, mimetype="text/html")


def _error_page(error: ApiError) -> Response:
    if error.status == 403:
        return _page(
            "message.html", 403, title="Session expired", text=EXPIRED_TEXT, heading="Signed out"
        )
    if error.status == 404:
        return _page(
            "message.html", 404, title="Not found", heading="Not found", text=error.message
        )
    return _page(
        "message.html", error.status, title="Problem", heading="Problem", text=error.message
    )


def _linkable(url: str) -> bool:
    """Whether ``url`` may be a link target: absolute http(s) only (no ``javascript:``)."""
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _render_storefront(
    storefront_id: int,
    token: str,
    return_url: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    submitted: dict[str, str] | None = None,
    active_template: str | None = None,
    saved_id: str | None = None,
    deleted: bool = False,
) -> Response:
    view = state().storefront_view(token, storefront_id)
    notice = "The design was deleted." if deleted else None
    for project in view["projects"]:
        if str(project["id"]) == saved_id:
            notice = f"Saved “{project['name']}” to your designs."
    return _page(
        "storefront.html",
        status,
        storefront=view["storefront"],
        user=view["user"],
        projects=view["projects"],
        templates=TEMPLATES,
        labels=LABELS,
        token=token,
        return_url=return_url,
        return_link=return_url if _linkable(return_url) else None,
        errors=errors or {},
        submitted=submitted or {},
        active_template=active_template,
        notice=notice,
    )


@bp.after_request
def _headers(response: Response) -> Response:
    # The token travels in the URL: keep it out of caches and other sites' Referer headers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    return Response(status=204)


@bp.get("/")
def sandbox_home() -> Response:
    """What this server is, for someone who opens it in a browser."""
    return _page("index.html", storefronts=state().storefronts.values())


@bp.get("/storefront/<int:storefront_id>")
def storefront_page(storefront_id: int) -> Response:
    token = request.args.get("token", "")
    return_url = request.args.get("return_url", "")
    try:
        return _render_storefront(
            storefront_id,
            token,
            return_url,
            saved_id=request.args.get("saved"),
            deleted=bool(request.args.get("deleted")),
        )
    except ApiError as error:
        return _error_page(error)


def _back(storefront_id: int, token: str, return_url: str, **extra: str) -> BaseResponse:
    """303 to the storefront page, carrying the session along."""
    params: dict[str, Any] = {
        "token": token,
        **({"return_url": return_url} if return_url else {}),
        **extra,
    }
    target = url_for("storefront.storefront_page", storefront_id=storefront_id, **params)
    return redirect(target, code=303)


@bp.post("/storefront/<int:storefront_id>/projects")
def storefront_save_project(storefront_id: int) -> BaseResponse:
    token = request.form.get("token", "")
    return_url = request.form.get("return_url", "")
    template_id = request.form.get("template", "")
    try:
        template = find_template(template_id)
        if template is None:
            raise ApiError(400, "That product is not offered on this storefront.")
        values, errors = clean_fields(template, request.form.to_dict())
        if errors:
            return _render_storefront(
                storefront_id,
                token,
                return_url,
                status=400,
                errors=errors,
                submitted=request.form.to_dict(),
                active_template=template_id,
            )
        project = state().save_project(token, storefront_id, template_id, values)
    except ApiError as error:
        return _error_page(error)
    return _back(storefront_id, token, return_url, saved=str(project["id"]))


@bp.post("/storefront/<int:storefront_id>/projects/<int:project_id>/delete")
def storefront_delete_project(storefront_id: int, project_id: int) -> BaseResponse:
    token = request.form.get("token", "")
    return_url = request.form.get("return_url", "")
    try:
        state().delete_own_project(token, storefront_id, project_id)
    except ApiError as error:
        return _error_page(error)
    return _back(storefront_id, token, return_url, deleted="1")
