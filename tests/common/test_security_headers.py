"""Security headers on every response (issue 7): a Content-Security-Policy with no inline
script or style allowed, X-Frame-Options, nosniff, Referrer-Policy; HSTS under the production
settings; and no template that would need the policy loosened."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.common.test_settings import ROOT, _production_env

pytestmark = pytest.mark.django_db

TEMPLATES = Path(ROOT) / "templates"
# inline script (a <script> without src, other than JSON data), inline handlers, style attributes
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style",
    re.IGNORECASE,
)


def directives(header: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in header.split(";") if d.strip())
    return {d[0]: d[1:] for d in parts}


@pytest.mark.parametrize("path", ["/accounts/login/", "/health/", "/api/v1/offices/"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_of_a_logged_in_user_carry_the_policy(client, manager):
    client.force_login(manager)
    response = client.get("/reports/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_only_the_api_docs_allow_their_inline_style(client, manager):
    client.force_login(manager)
    csp = directives(client.get("/api/docs/")["Content-Security-Policy"])
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["script-src"] == ["'self'"]


def test_no_template_has_inline_script_handler_or_style():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in TEMPLATES.rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


PROBE = """
import json
from django.test import Client
response = Client(SERVER_NAME="sales.example.com").get("/health/", secure=True)
print(json.dumps({k: response[k] for k in (
    "Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
    "X-Content-Type-Options", "Referrer-Policy") if response.has_header(k)}))
"""


def test_production_sends_hsts_and_the_rest():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env=_production_env(SECRET_KEY="x" * 20 + "a-long-random-looking-value-0123456789"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
