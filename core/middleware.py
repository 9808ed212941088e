from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.accounts.selectors import network_policy
from core.permissions import is_administrator

# Where an administrator without two-factor authentication may still go: to sign in and
# out, to turn it on, to change language, to fetch static files, and to unsubscribe.
MFA_EXEMPT_PREFIXES = (
    "/comptes/",
    "/static/",
    "/media/",
    "/i18n/",
    "/espace/notifications/desabonnement/",
)


class RequireMFAForAdministratorsMiddleware:
    """When the coordinator requires it, administrators must turn on an authenticator app."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and network_policy().require_mfa_for_administrators
            and is_administrator(user)
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            messages.warning(
                request,
                _(
                    "The network requires administrators to use two-factor authentication. "
                    "Set up an authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
