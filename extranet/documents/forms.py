from django import forms
from django.utils.translation import gettext_lazy as _

from extranet.documents.services import TITLE_MAX


class TitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)


class VersionNameForm(forms.Form):
    name = forms.CharField(label=_("Name of the version"), max_length=TITLE_MAX)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Markdown or Word (.docx) file"),
        help_text=_("It becomes a new document; the file itself is not kept."),
    )
