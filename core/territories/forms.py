"""A form field to pick a territory by typing its name or code.

There are 36,000 territories, far too many for a <select>. The field is a text input tied to
a <datalist> (native, keyboard- and screen-reader-friendly, works without JavaScript):

- the datalist is rendered with the régions and départements the field allows (at most
  119 options); communes and EPCI are too many to list, so people type their name, code,
  or the label a script puts in the datalist;
- the input carries `data-territory-search-url` (the JSON search endpoint, which returns
  each territory's `label`) and `data-territory-kinds`, so a small script can refill the
  datalist with matching communes and EPCI as the user types. Without it, typing the exact
  name ("Gourdon") or the code ("46127") still works, and an ambiguous name gets an error
  listing the candidates to choose from.

Each suggestion is `territory_choice_label(territory)`, "<name> — <kind> — <code>", which
`clean()` resolves without ambiguity.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.territories.models import Territory, TerritoryKind
from core.territories.text import normalize

LABEL_SEPARATOR = " — "
# Splits a label on its last two separators: em dashes, or en dashes (U+2013) as people
# retype labels.
_DASH = "[\u2014\u2013]"
_LABEL = re.compile(
    rf"^(?P<name>.+?)\s+{_DASH}\s+(?P<kind>(?:(?!{_DASH}).)+?)\s+{_DASH}\s+(?P<code>\S+)$"
)
_CODE = re.compile(r"\d{2}|2[AB]|97\d|\d{5}|2[AB]\d{3}|\d{9}", re.IGNORECASE)

# Kinds few enough to be listed in full in the datalist.
LISTED_KINDS = (TerritoryKind.REGION, TerritoryKind.DEPARTEMENT)
KIND_ORDER = [TerritoryKind.REGION, TerritoryKind.DEPARTEMENT, TerritoryKind.EPCI]
# How many candidates an "ambiguous" error names.
MAX_CANDIDATES_SHOWN = 6


def territory_choice_label(territory: Territory) -> str:
    """What the datalist offers and `TerritoryChoiceField` accepts, e.g.
    "Gourdon — Commune — 46127": the name people know, the kind to tell the commune from
    its namesakes (département and commune of Paris), the code to make it unique."""
    return LABEL_SEPARATOR.join((territory.name, str(territory.get_kind_display()), territory.code))


class TerritoryInput(forms.TextInput):
    """A text input with its <datalist> of suggestions (see the module docstring)."""

    template_name = "territories/widgets/territory_input.html"

    def __init__(
        self, attrs: dict[str, Any] | None = None, kinds: Sequence[str] | None = None
    ) -> None:
        super().__init__(attrs)
        self.kinds: list[str] = list(kinds) if kinds else list(TerritoryKind.values)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        datalist_id = f"{widget['attrs'].get('id') or name}-suggestions"
        widget["datalist_id"] = datalist_id
        widget["attrs"]["list"] = datalist_id
        # The browser's own history of typed values would crowd out the datalist.
        widget["attrs"].setdefault("autocomplete", "off")
        widget["attrs"]["data-territory-kinds"] = " ".join(self.kinds)
        # Until the project mounts the endpoint, the widget works without it.
        with contextlib.suppress(NoReverseMatch):
            widget["attrs"]["data-territory-search-url"] = reverse("territories:search")
        widget["suggestions"] = self.suggestions()
        return context

    def suggestions(self) -> list[str]:
        listed = [kind for kind in LISTED_KINDS if kind in self.kinds]
        if not listed:
            return []
        territories = sorted(
            Territory.objects.filter(kind__in=listed).only("kind", "code", "name"),
            key=lambda t: (LISTED_KINDS.index(t.kind), t.code),
        )
        return [territory_choice_label(t) for t in territories]


class TerritoryChoiceField(forms.Field):
    """A territory picked by typing; cleans to a `Territory` (or None when left empty).

    Accepts, for the allowed `kinds` (all by default):
    - a suggestion, "<name> — <kind> — <code>" (see `territory_choice_label`);
    - a bare code: INSEE code of a région, département or commune, SIREN of an EPCI;
    - a name that designates a single territory, whatever its accents, case or hyphens.
    """

    widget = TerritoryInput
    default_error_messages = {
        "unknown": _(
            "No territory matches “%(value)s”. Choose one of the suggestions, or type the "
            "exact name or the official code."
        ),
        "ambiguous": _(
            "Several territories match “%(value)s”: %(candidates)s. Type one of these as "
            "shown, or the official code."
        ),
    }

    def __init__(self, *, kinds: Iterable[str] | None = None, **kwargs: Any) -> None:
        self.kinds: list[str] | None = list(kinds) if kinds is not None else None
        unknown = set(self.kinds or ()) - set(TerritoryKind.values)
        if unknown:
            raise ValueError(f"Unknown territory kinds: {', '.join(sorted(unknown))}")
        kwargs.setdefault(
            "help_text",
            _("Type a name or an official code (INSEE code, or SIREN for an EPCI)."),
        )
        super().__init__(**kwargs)
        self.widget.kinds = self.kinds or list(TerritoryKind.values)

    def territories(self) -> QuerySet[Territory]:
        territories = Territory.objects.all()
        if self.kinds is not None:
            territories = territories.filter(kind__in=self.kinds)
        return territories

    def prepare_value(self, value: Any) -> Any:
        # Unbound forms get a Territory (or, from a ModelForm, its pk); bound forms get the
        # text as typed, shown back unchanged so the user can correct it.
        if isinstance(value, Territory):
            return territory_choice_label(value)
        if isinstance(value, int) and not isinstance(value, bool):
            territory = Territory.objects.filter(pk=value).first()
            return territory_choice_label(territory) if territory else ""
        return value

    def to_python(self, value: Any) -> Territory | None:
        if isinstance(value, Territory):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        matches = self._match_label(text)
        if matches is None and _CODE.fullmatch(text):
            matches = list(self.territories().filter(code=text.upper())[:MAX_CANDIDATES_SHOWN])
        if not matches:
            matches = self._match_name(text)
        if not matches:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text}
            )
        if len(matches) > 1:
            raise ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"value": text, "candidates": _candidates(matches)},
            )
        return matches[0]

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        old_pk = initial.pk if isinstance(initial, Territory) else initial
        return (new.pk if new else None) != (old_pk or None)

    def _match_label(self, text: str) -> list[Territory] | None:
        """The territories a "<name> — <kind> — <code>" label designates (None if `text`
        is not shaped like a label)."""
        parts = _LABEL.match(text)
        if parts is None:
            return None
        candidates = self.territories().filter(code=parts["code"].upper())
        kinds = _kinds_named(parts["kind"])
        if kinds:
            candidates = candidates.filter(kind__in=kinds)
        matches = list(candidates[:MAX_CANDIDATES_SHOWN])
        if len(matches) > 1:
            name = normalize(parts["name"])
            matches = [t for t in matches if t.search_name == name] or matches
        return matches

    def _match_name(self, text: str) -> list[Territory]:
        name = normalize(text)
        if not name:
            return []
        matches = self.territories().filter(search_name=name)
        matches = matches.order_by(F("population").desc(nulls_last=True), "code")
        return sorted(
            matches[: MAX_CANDIDATES_SHOWN + 1],
            key=lambda t: (
                KIND_ORDER.index(t.kind) if t.kind in KIND_ORDER else len(KIND_ORDER),
                -(t.population or 0),
            ),
        )


def _kinds_named(label: str) -> list[str]:
    """The kinds whose label, in any of the site's languages, or value is `label`: a label
    copied under one language may be submitted under another."""
    wanted = normalize(label)
    kinds = []
    for kind in TerritoryKind:
        names = {normalize(kind.value)}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(normalize(str(kind.label)))
        if wanted in names:
            kinds.append(kind.value)
    return kinds


def _candidates(matches: list[Territory]) -> str:
    shown = [territory_choice_label(t) for t in matches[:MAX_CANDIDATES_SHOWN]]
    text = "; ".join(f"“{label}”" for label in shown)
    if len(matches) > MAX_CANDIDATES_SHOWN:
        # Evaluated while cleaning, so in the request's language.
        return f"{text}; {gettext('and others')}"
    return text
