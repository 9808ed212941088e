"""Static files as the embedded default serves them: hashed names, gzip and Brotli copies,
a year of cache for hashed files, streamed to daphne without a thread per file.

The suite itself links plain names (no collectstatic needed, see settings); these tests
collect a few real files with the project's storage into a temporary STATIC_ROOT.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.template import engines
from django.test import AsyncClient, Client, override_settings

ROOT = Path(settings.BASE_DIR)
LEAFLET = ROOT / "frontend" / "dist" / "vendor" / "leaflet" / "leaflet.js"
YEAR = "max-age=31536000, public, immutable"


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """Core's static files and Leaflet, collected as `make run` collects them."""
    if not LEAFLET.exists():
        pytest.fail("frontend/dist is missing: run `make frontend/dist/.built` (make test does)")
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=str(root),
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STATICFILES_DIRS=[ROOT / "frontend" / "dist", ("core", ROOT / "core" / "static" / "core")],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "config.staticfiles.HashedCompressedStorage"},
        },
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def served(collected, settings):
    """The project's static storage and WhiteNoise, on the collected files."""
    settings.STATIC_ROOT = str(collected)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "config.staticfiles.HashedCompressedStorage"},
    }
    settings.MIDDLEWARE = ["config.staticfiles.StaticFilesMiddleware", *settings.MIDDLEWARE]
    return collected


def hashed(name: str) -> str:
    return staticfiles_storage.url(name)


def fetch(url: str, accept_encoding: str):
    """The response, its file closed (the headers are what these tests read)."""
    response = Client().get(url, HTTP_ACCEPT_ENCODING=accept_encoding)
    response.close()
    return response


def test_collectstatic_writes_hashed_names_with_gzip_and_brotli_copies(collected):
    files = {p.relative_to(collected).as_posix() for p in collected.rglob("*")}
    leaflet = [f for f in files if f.startswith("vendor/leaflet/leaflet.") and f.endswith(".js")]
    assert len(leaflet) == 2  # leaflet.js and leaflet.<hash>.js
    [hashed_name] = [f for f in leaflet if f != "vendor/leaflet/leaflet.js"]
    assert {f"{hashed_name}.gz", f"{hashed_name}.br"} <= files
    # The stylesheet's images are linked by their hashed names too.
    css = next(collected.glob("vendor/leaflet/leaflet.*.css")).read_text()
    assert "images/layers." in css and "images/layers.png" not in css


def test_pages_link_hashed_names_even_with_debug_on(served, settings):
    template = engines["django"].from_string("{% load static %}{% static 'core/maillage.css' %}")
    settings.DEBUG = True
    url = template.render({})
    assert url.startswith("/static/core/maillage.") and url != "/static/core/maillage.css"
    assert (served / url.removeprefix("/static/")).exists()


def test_a_file_not_collected_yet_is_linked_by_its_plain_name_under_debug(served, settings):
    settings.DEBUG = True
    assert hashed("core/not-collected-yet.js") == "/static/core/not-collected-yet.js"
    settings.DEBUG = False
    with pytest.raises(ValueError, match="manifest"):
        hashed("core/not-collected-yet.js")


def test_leaflet_goes_out_compressed_and_cached_for_a_year(served):
    url = hashed("vendor/leaflet/leaflet.js")
    original = LEAFLET.stat().st_size

    brotli = fetch(url, "gzip, deflate, br")
    assert brotli.status_code == 200
    assert brotli["Content-Encoding"] == "br"
    assert int(brotli["Content-Length"]) < original * 0.3  # 148 KB → about 37 KB
    assert brotli["Cache-Control"] == YEAR
    assert "Accept-Encoding" in brotli["Vary"]

    gzip = fetch(url, "gzip")
    assert gzip["Content-Encoding"] == "gzip"
    assert int(gzip["Content-Length"]) < original * 0.3
    assert gzip["Cache-Control"] == YEAR

    plain = fetch(url, "identity")
    assert "Content-Encoding" not in plain
    assert int(plain["Content-Length"]) >= original


def test_plain_names_are_served_briefly_cached(served):
    response = fetch("/static/core/maillage.css", "br")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    assert response["Cache-Control"] == "max-age=60, public"


async def test_files_stream_asynchronously_under_asgi(served):
    url = hashed("vendor/leaflet/leaflet.js")
    with warnings.catch_warnings():
        # Django warns when an ASGI response has to be read whole in a thread.
        warnings.simplefilter("error")
        response = await AsyncClient().get(url, HTTP_ACCEPT_ENCODING="identity")
        assert response.is_async
        body = b"".join([chunk async for chunk in response.streaming_content])
        response.close()
    assert body == (served / url.removeprefix("/static/")).read_bytes()
