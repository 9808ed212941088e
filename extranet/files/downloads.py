"""Serving the bytes of a version: the one place every download goes through.

Three ways, by deployment:
- object storage (STORAGE_URL=s3://…): a redirect to a short-lived presigned URL, with the
  name and type the bucket must answer with; the bytes never pass through Python;
- local disk behind nginx (FILES_X_ACCEL_PREFIX): an empty response with X-Accel-Redirect,
  nginx sends the file (and handles Range itself);
- the embedded default: Python streams the blob in 1 MiB chunks, with Range and ETag.

Every answer carries Content-Disposition, nosniff and a sandboxing CSP, so a file never
runs as a page of the site, whatever it holds.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import content_disposition_header

from core.uploads import TYPES
from extranet.files import storage
from extranet.files.models import Version

SANDBOX_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _safe_type(mime: str) -> str:
    # Only types of the allowlist are named; SVG and anything else are opaque bytes.
    kind = TYPES.get(mime)
    return mime if kind and kind.inline else "application/octet-stream"


def _protect(response: HttpResponse, *, name: str, inline: bool) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(not inline, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


def _stream(request: HttpRequest, blob: str, start: int = 0, length: int | None = None):
    # Under the ASGI server, an async iterator; under WSGI (and the test client), a plain one.
    if hasattr(request, "scope"):
        return storage.aiter_blob(blob, start, length)
    return storage.iter_blob(blob, start, length)


def _parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end) inclusive for one satisfiable range; None for no (usable) range;
    False for an unsatisfiable one."""
    match = _RANGE.match(header.strip())
    if not match:
        return None  # several ranges or another unit: the whole file
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def serve_version(
    request: HttpRequest, version: Version, *, name: str, inline: bool = False
) -> HttpResponse:
    mime = _safe_type(version.mime)
    inline = inline and mime != "application/octet-stream"
    etag = version.etag
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response

    if not storage.is_local():
        disposition = content_disposition_header(not inline, name)
        url = storage.files_storage().url(
            version.blob,
            parameters={
                "ResponseContentType": mime,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": "private, max-age=0",
            },
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    if settings.FILES_X_ACCEL_PREFIX:
        response = HttpResponse(content_type=mime)
        response["X-Accel-Redirect"] = (
            settings.FILES_X_ACCEL_PREFIX.rstrip("/") + "/" + quote(version.blob)
        )
        response["ETag"] = etag
        return _protect(response, name=name, inline=inline)

    size = version.size
    byte_range = None
    if_range = request.headers.get("If-Range")
    if "Range" in request.headers and (if_range is None or if_range == etag):
        byte_range = _parse_range(request.headers["Range"], size)
    if byte_range is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _protect(response, name=name, inline=inline)
    if byte_range:
        start, end = byte_range
        length = end - start + 1
        response = StreamingHttpResponse(
            _stream(request, version.blob, start, length), status=206, content_type=mime
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        length = size
        response = StreamingHttpResponse(_stream(request, version.blob), content_type=mime)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    return _protect(response, name=name, inline=inline)


def serve_thumbnail(request: HttpRequest, version: Version) -> HttpResponse:
    etag = f'"t{version.pk}-{version.sha256[:16]}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304)
    if not storage.is_local():
        return HttpResponseRedirect(storage.files_storage().url(version.thumbnail))
    response = StreamingHttpResponse(_stream(request, version.thumbnail), content_type="image/png")
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, max-age=3600"
    return response
