"""How static files are stored and served: hashed names, compressed copies, a year of cache.

`collectstatic` writes each file under a name carrying a hash of its content
(`leaflet.3a9b…js`) with gzip and Brotli copies beside it; WhiteNoise (the embedded
default) or nginx (production, see README.md) serves the copy the browser accepts, and
tells browsers and caches to keep hashed files for a year without asking again: a changed
file gets a new name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import BinaryIO

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedCompressedStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with hashed names even when DEBUG is on.

    Django links plain names under DEBUG so that edits show without `collectstatic`;
    `make run` collects at every start, so the embedded default serves what production
    serves. Under DEBUG, a file added since the last `collectstatic` is linked by its plain
    name (WhiteNoise finds it where it lives) instead of failing the page.
    """

    def url(self, name: str, force: bool = False) -> str:
        return super().url(name, force=True)

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            if settings.DEBUG:
                return name
            raise


async def _read_in_thread(file: BinaryIO, block_size: int) -> AsyncIterator[bytes]:
    read = sync_to_async(file.read, thread_sensitive=False)
    while chunk := await read(block_size):
        yield chunk


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, streaming files asynchronously when daphne (ASGI) asks.

    WhiteNoise's file responses iterate synchronously; under ASGI Django would read each
    file whole in a thread and warn at every start. The file is read in blocks instead.
    """

    # Hashed files are kept a year, as nginx is told in README.md (WhiteNoise says ten).
    FOREVER = 365 * 24 * 60 * 60

    @staticmethod
    def serve(static_file, request: HttpRequest) -> HttpResponse:
        response = WhiteNoiseMiddleware.serve(static_file, request)
        file = getattr(response, "file_to_stream", None)
        if isinstance(request, ASGIRequest) and file is not None:
            response.streaming_content = _read_in_thread(file, response.block_size)
        return response
