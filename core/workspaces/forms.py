from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.territories.forms import TerritoryChoiceField
from core.workspaces.models import JoinPolicy, MembershipRole, Module, Visibility, Workspace


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
        help_text=_("What the group is for, who it is for, until when."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.NETWORK,
        widget=forms.RadioSelect,
        help_text=_(
            "Who can see the group and read its content. A secret group is seen only by "
            "its members."
        ),
    )
    join_policy = forms.ChoiceField(
        label=_("How to join"),
        choices=JoinPolicy.choices,
        initial=JoinPolicy.REQUEST,
        widget=forms.RadioSelect,
    )
    modules = forms.MultipleChoiceField(
        label=_("Modules"),
        choices=Module.choices,
        initial=Module.values,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    territory = TerritoryChoiceField(
        label=_("Territory"),
        required=False,
        help_text=_("Optional. The local administrators of this territory will oversee the group."),
    )

    @classmethod
    def initial_for(cls, group: Workspace) -> dict:
        return {
            "name": group.name,
            "description": group.description,
            "visibility": group.visibility,
            "join_policy": group.join_policy,
            "modules": group.enabled_modules,
            "territory": group.territory,
        }


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the moderators (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class InviteSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or e-mail address"),
        min_length=2,
        max_length=200,
        help_text=_("Type at least two letters of the person's name, or their address."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)
