from __future__ import annotations

from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from core.accounts.models import User

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(label=_("Your name as colleagues will see it"), max_length=120)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(email=self.email, display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    skills = TagField(
        label=_("Skills"),
        required=False,
        help_text=_("Separate skills with commas, e.g. Linux, accessibility, e-administration."),
    )

    class Meta:
        model = User
        # Not the home territory: it decides which local administrator manages the account,
        # so only those who manage it change it (the profile page says whom to ask).
        fields = ["display_name", "handle", "bio", "photo", "skills"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4}), "photo": forms.ClearableFileInput}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):
            if photo.size > settings.PROFILE_PHOTO_MAX_BYTES:
                raise forms.ValidationError(
                    _("The photo is too large (%(size)s); the limit is %(limit)s.")
                    % {
                        "size": filesizeformat(photo.size),
                        "limit": filesizeformat(settings.PROFILE_PHOTO_MAX_BYTES),
                    }
                )
            if photo.content_type not in PHOTO_TYPES:
                raise forms.ValidationError(_("Send a JPEG, PNG or WebP picture."))
        return photo


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form, without the "forgot password" link it puts in the password's
    help text: the page offers that link once, after the button."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
