"""Signal receivers of the accounts: thin, they call a service."""

from __future__ import annotations

from core.accounts import services


def close_signed_out_sockets(sender, request, user, **kwargs) -> None:
    # Sent before Django flushes the session: its key is still there.
    session = getattr(request, "session", None)
    services.session_signed_out(session_key=getattr(session, "session_key", None))
