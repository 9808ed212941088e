from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "core.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from core.accounts.receivers import close_signed_out_sockets

        # Every sign-out, whichever view does it (allauth's, Wagtail's admin), sends it.
        user_logged_out.connect(close_signed_out_sockets, dispatch_uid="close_signed_out_sockets")
