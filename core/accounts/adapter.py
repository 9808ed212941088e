from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from core.proxies import client_address


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join the extranet through an invitation (core.accounts.views)."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        """The address allauth throttles failed sign-ins by: the same client our own rate
        limits see, resolved once through TRUSTED_PROXIES (core/proxies.py)."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address
