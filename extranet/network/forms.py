from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Invitation, NetworkRole, User
from core.permissions import can, is_coordinator
from core.territories.forms import TerritoryChoiceField
from core.workspaces.models import Workspace


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    network_role = forms.ChoiceField(
        label=_("Role in the network"),
        choices=Invitation._meta.get_field("network_role").choices,
        initial=NetworkRole.FACILITATOR,
        widget=forms.RadioSelect,
    )
    territory = TerritoryChoiceField(
        label=_("Home territory"),
        required=False,
        help_text=_("The commune, intercommunality or département the person works in."),
    )
    workspace = forms.ModelChoiceField(
        label=_("Also invite to the group"),
        queryset=Workspace.objects.none(),
        required=False,
        empty_label=_("No group"),
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, user: User, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["workspace"].queryset = groups
        if not is_coordinator(user):
            self.fields["territory"].required = True

    def clean_territory(self):
        territory = self.cleaned_data.get("territory")
        if territory is not None and not can(self.user, "invite", territory):
            raise forms.ValidationError(_("You can only invite people into your own territory."))
        return territory


class AccountForm(forms.Form):
    network_role = forms.ChoiceField(label=_("Role in the network"), choices=NetworkRole.choices)
    home_territory = TerritoryChoiceField(label=_("Home territory"), required=False)

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_coordinator(actor):
            self.fields["network_role"].choices = [
                c for c in NetworkRole.choices if c[0] != NetworkRole.COORDINATOR
            ]


class SecurityForm(forms.Form):
    require_mfa_for_administrators = forms.BooleanField(
        label=_("Require two-factor authentication for administrators"),
        required=False,
        help_text=_(
            "The coordinator and local administrators will have to set up an authenticator "
            "app before using the members' area."
        ),
    )


class TerritoryRoleForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"))
    territory = TerritoryChoiceField(label=_("Territory"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this address."))
        self.cleaned_data["user"] = user
        return email
