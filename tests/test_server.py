"""The server hands request bodies to Django as they are: it does not parse forms itself."""

from __future__ import annotations

from io import BytesIO
from unittest import mock

from daphne.http_protocol import WebRequest

import config.asgi  # noqa: F401 - what daphne imports before serving


def test_daphne_does_not_parse_an_uploaded_form_into_memory():
    channel = mock.MagicMock()
    request = WebRequest(channel)
    boundary = b"essai"
    body = (
        b'--essai\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.4 contenu\r\n--essai--\r\n"
    )
    request.requestHeaders.setRawHeaders(
        b"Content-Type", [b"multipart/form-data; boundary=" + boundary]
    )
    request.content = BytesIO(body)
    request.content.seek(0, 2)
    with mock.patch.object(WebRequest, "process") as process:
        request.requestReceived(b"POST", b"/espace/fichiers/envoyer/", b"HTTP/1.1")
    process.assert_called_once()
    # Twisted would have read the whole body and parsed it with the e-mail parser here.
    assert request.args == {}
    assert request.content.read() == body  # left whole, from its start, for Django
