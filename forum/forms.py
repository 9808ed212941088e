from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from forum.models import Category, ModerationAction, TopicKind
from forum.selectors import TopicState


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


BODY_HELP = _(
    "Markdown: **bold**, *italics*, `code`, ```code blocks```, > quotes, [links](https://…). "
    "Mention a colleague with @ and their handle."
)


def _files_field():
    return MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to %(n)s files of %(mb)s MB: pictures, PDF, text, office documents, zip.")
        % {
            "n": settings.FORUM_MAX_ATTACHMENTS,
            "mb": settings.FORUM_ATTACHMENT_MAX_BYTES // 2**20,
        },
    )


class TopicForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A question people can recognise, e.g. “Printer not found on Ubuntu 24.04”."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-similar-topics": ""}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=TopicKind.choices,
        initial=TopicKind.QUESTION,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10, "data-mentions": ""}),
        help_text=BODY_HELP,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Separate tags with commas, e.g. Linux, imprimante."),
    )
    files = _files_field()

    def clean_tags(self) -> list[str]:
        tags = [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]
        if len(tags) > 8:
            raise forms.ValidationError(_("At most 8 tags."))
        return tags


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 8, "data-mentions": ""}),
        help_text=BODY_HELP,
    )
    files = _files_field()
    space_files = forms.TypedMultipleChoiceField(
        label=_("Files from this space"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Attach files already in the space's shared files."),
    )

    def __init__(self, *args, space_files=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f.pk, f.name) for f in space_files]
        if choices:
            self.fields["space_files"].choices = choices
        else:
            del self.fields["space_files"]


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10, "data-mentions": ""}),
        help_text=BODY_HELP,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this message?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the moderation log)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class ModerateTopicForm(ReasonForm):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (a.value, a.label)
            for a in ModerationAction
            if a
            not in (
                ModerationAction.HIDE_POST,
                ModerationAction.SHOW_POST,
                ModerationAction.DISMISS_REPORT,
            )
        ],
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Move to the category"), queryset=Category.objects.none(), required=False
    )
    into = forms.IntegerField(
        label=_("Merge into the topic number"),
        required=False,
        min_value=1,
        help_text=_("The number is in the topic's address: /espace/forum/sujets/123/."),
    )

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["category"].queryset = categories

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == ModerationAction.MOVE and not cleaned.get("category"):
            self.add_error("category", _("Choose the category to move the topic to."))
        if action == ModerationAction.MERGE and not cleaned.get("into"):
            self.add_error("into", _("Give the number of the topic to merge into."))
        return cleaned


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )


class SearchForm(forms.Form):
    PERIODS = [
        ("", _("Any time")),
        ("week", _("Past week")),
        ("month", _("Past month")),
        ("year", _("Past year")),
    ]
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All")),
            (TopicState.SOLVED, _("Solved")),
            (TopicState.UNSOLVED, _("Unsolved")),
            (TopicState.UNANSWERED, _("Unanswered")),
        ],
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All categories"),
    )
    tag = forms.SlugField(label=_("Tag"), required=False, allow_unicode=True)
    author = forms.CharField(
        label=_("Author (handle)"),
        required=False,
        max_length=50,
        help_text=_("e.g. sophie-girard"),
    )
    period = forms.ChoiceField(label=_("Period"), required=False, choices=PERIODS)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["category"].queryset = categories
