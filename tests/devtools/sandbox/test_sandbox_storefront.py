"""The sandbox storefront pages: open, personalise and save, see via the API, delete, return."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.test import TestResponse

from punchout.devtools.sandbox import create_sandbox_app
from tests.devtools.sandbox.helpers import IDLE, Api, FakeClock, make_config

RETURN_URL = "https://buyer.example/punchout/return?session=abc&lang=en"
EXPIRED_TEXT = "Your session has expired; start again from your procurement system."


def _page_url(token: str, return_url: str = RETURN_URL, storefront_id: int = 1) -> str:
    return f"/storefront/{storefront_id}?" + "&".join(
        [f"token={token}", "return_url=" + return_url.replace("&", "%26").replace("?", "%3F")]
    )


def _save(api: Api, token: str, template: str = "BC-STD-85x55", **fields: str) -> TestResponse:
    form = {"token": token, "return_url": RETURN_URL, "template": template, **fields}
    return api.client.post("/storefront/1/projects", data=form)


def test_page_shows_storefront_user_templates_and_the_return_link(api: Api) -> None:
    token = api.user_session("demo.buyer")
    response = api.client.get(_page_url(token))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Demo Print Shop" in html
    assert "Demo Buyer" in html and "demo.buyer" in html
    for name, integration_id in [
        ("Business Cards", "BC-STD-85x55"),
        ("Letterhead", "LH-A4-120"),
        ("Roll-up Banner", "BN-RU-850"),
    ]:
        assert name in html and integration_id in html
    # The return link is the return_url unchanged (HTML-escaped in the attribute).
    assert 'href="https://buyer.example/punchout/return?session=abc&amp;lang=en"' in html
    assert 'for="field-BC-STD-85x55-name_on_card"' in html
    assert 'id="field-BC-STD-85x55-name_on_card"' in html
    assert "No saved designs yet" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_temp_user_is_shown_as_a_guest(api: Api) -> None:
    _, token = api.temp_session()
    html = api.client.get(_page_url(token)).get_data(as_text=True)
    assert "Guest" in html and "temporary account" in html


def test_saving_a_design_makes_a_project_seen_by_the_api(api: Api) -> None:
    token = api.user_session()
    response = _save(api, token, name_on_card="Demo Buyer", job_title="Procurement Lead")
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert location.path == "/storefront/1"
    assert query["token"] == [token] and query["return_url"] == [RETURN_URL]

    projects = api.get("/pipo/project/all", token=token).json
    assert projects == [
        {
            "id": projects[0]["id"],
            "name": "Business Cards – Demo Buyer",
            "external_id": "BC-STD-85x55",
            "fields": {"name_on_card": "Demo Buyer", "job_title": "Procurement Lead"},
        }
    ]
    html = api.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved “Business Cards – Demo Buyer” to your designs." in html
    assert "Procurement Lead" in html and "Job title" in html


def test_each_template_can_be_saved(api: Api) -> None:
    token = api.user_session()
    _save(api, token, "LH-A4-120", company_name="Example Industries")
    _save(api, token, "BN-RU-850", headline="Meet us at stand 12", subline="")
    projects = api.get("/pipo/project/all", token=token).json
    assert [(p["name"], p["external_id"], p["fields"]) for p in projects] == [
        ("Letterhead – Example Industries", "LH-A4-120", {"company_name": "Example Industries"}),
        ("Roll-up Banner – Meet us at stand 12", "BN-RU-850", {"headline": "Meet us at stand 12"}),
    ]


def test_invalid_input_re_renders_the_form_with_errors(api: Api) -> None:
    token = api.user_session()
    response = _save(api, token, name_on_card="  ", job_title="Kept value")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Name on card is required." in html
    assert 'aria-invalid="true"' in html
    assert 'value="Kept value"' in html
    assert api.get("/pipo/project/all", token=token).json == []
    response = _save(api, token, name_on_card="x" * 61)
    assert "at most 60 characters" in response.get_data(as_text=True)


def test_unknown_template_is_a_400_page(api: Api) -> None:
    token = api.user_session()
    response = _save(api, token, template="NOPE", name_on_card="x")
    assert response.status_code == 400
    assert "not offered" in response.get_data(as_text=True)


def test_deleting_a_design(api: Api) -> None:
    token = api.user_session()
    _save(api, token, name_on_card="Demo Buyer")
    project_id = api.get("/pipo/project/all", token=token).json[0]["id"]
    response = api.client.post(
        f"/storefront/1/projects/{project_id}/delete",
        data={"token": token, "return_url": RETURN_URL},
    )
    assert response.status_code == 303
    assert "deleted=1" in response.headers["Location"]
    assert api.get("/pipo/project/all", token=token).json == []
    html = api.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The design was deleted." in html


def test_another_users_design_cannot_be_deleted(api: Api) -> None:
    owner = api.user_session("owner")
    project = api.project(owner)
    other = api.user_session("other")
    response = api.client.post(
        f"/storefront/1/projects/{project['id']}/delete", data={"token": other}
    )
    assert response.status_code == 404
    assert len(api.get("/pipo/project/all", token=owner).json) == 1


@pytest.mark.parametrize("token", ["", "nonsense"])
def test_an_invalid_token_gets_a_readable_403_page(api: Api, token: str) -> None:
    for response in [
        api.client.get(_page_url(token)),
        api.client.post("/storefront/1/projects", data={"token": token, "template": "LH-A4-120"}),
        api.client.post("/storefront/1/projects/42/delete", data={"token": token}),
    ]:
        assert response.status_code == 403
        assert response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        assert EXPIRED_TEXT in html and "Traceback" not in html


def test_an_idle_token_expires_on_the_storefront_too(api: Api, clock: FakeClock) -> None:
    token = api.user_session()
    clock.advance(IDLE * 0.9)
    assert api.client.get(_page_url(token)).status_code == 200  # a page view is activity
    clock.advance(IDLE * 0.9)
    assert api.get("/pipo/user/loggedin", token=token).json is True
    clock.advance(IDLE + 1)
    response = api.client.get(_page_url(token))
    assert response.status_code == 403
    assert EXPIRED_TEXT in response.get_data(as_text=True)


def test_a_token_of_another_storefront_is_refused(clock: FakeClock) -> None:
    config = make_config(storefronts=((1, "Demo Print Shop"), (2, "Second Shop")))
    api = Api(create_sandbox_app(config, clock=clock).test_client())
    _, token = api.temp_session(storefront_id=2)
    assert api.client.get(_page_url(token, storefront_id=2)).status_code == 200
    assert api.client.get(_page_url(token, storefront_id=1)).status_code == 403


def test_unknown_storefront_is_a_404_page(api: Api) -> None:
    token = api.user_session()
    response = api.client.get(_page_url(token, storefront_id=77))
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.mark.parametrize("return_url", ["javascript:alert(1)", "", "/relative/path"])
def test_only_absolute_http_return_urls_are_linked(api: Api, return_url: str) -> None:
    token = api.user_session()
    html = api.client.get(_page_url(token, return_url)).get_data(as_text=True)
    assert "Return to procurement</a>" not in html
    assert "javascript:" not in html.split("<form")[0]
    assert "No return address was given" in html


def test_everything_shown_is_escaped(api: Api) -> None:
    token = api.user_session()
    _save(api, token, name_on_card="<script>alert('x')</script>")
    return_url = 'https://buyer.example/"><script>x</script>'
    html = api.client.get(_page_url(token, return_url)).get_data(as_text=True)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_home_page_describes_the_sandbox(api: Api) -> None:
    response = api.client.get("/")
    assert response.status_code == 200
    assert "PrintNow sandbox" in response.get_data(as_text=True)
    with api.client.get("/static/storefront.css") as css:
        assert css.status_code == 200 and css.mimetype == "text/css"


def test_page_errors_are_html_pages(api: Api) -> None:
    response = api.client.get("/storefront/1/projects")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "Method Not Allowed" in response.get_data(as_text=True)
    response = api.client.get("/no/such/page")
    assert response.status_code == 404 and "Not Found" in response.get_data(as_text=True)
