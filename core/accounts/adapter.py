from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from core.accounts import services
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

    def set_password(self, user, password) -> None:
        """Every password that allauth changes, sets or resets goes through here."""
        super().set_password(user, password)
        services.account_password_changed(user=user)
