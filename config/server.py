"""One adjustment to daphne, the server, made in the process that serves.

daphne's HTTP request class is Twisted's, which parses the body of every form POST itself:
the whole body read into memory and handed to the e-mail parser, about 13 times the size of
an upload (1.4 GB of memory for a 100 MiB file) and seconds of CPU, before the application
sees a byte. daphne never reads what that parse produces: Django parses the body it is
given, streaming files to disk. So the parse is turned off (Twisted's own switch,
`parsePOSTFormSubmission`, which daphne does not expose).
"""

from __future__ import annotations

import functools


def tune_daphne() -> None:
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:  # served by another ASGI server
        return
    if getattr(WebRequest, "_maillage_no_form_parsing", False):
        return
    init = WebRequest.__init__

    @functools.wraps(init)
    def __init__(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    WebRequest.__init__ = __init__
    WebRequest._maillage_no_form_parsing = True
