from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from core.territories.forms import TerritoryChoiceField, territory_choice_label
from core.territories.models import Territory

pytestmark = pytest.mark.usefixtures("sample_territories")


class PlaceForm(forms.Form):
    territory = TerritoryChoiceField(label="Territory", required=False)


class CommuneForm(forms.Form):
    commune = TerritoryChoiceField(label="Commune", kinds=["commune"])


def territory(kind: str, code: str) -> Territory:
    return Territory.objects.get(kind=kind, code=code)


def cleaned(form_class: type[forms.Form], value: str):
    form = form_class(data={next(iter(form_class.base_fields)): value})
    assert form.is_valid(), form.errors
    return next(iter(form.cleaned_data.values()))


def errors(form_class: type[forms.Form], value: str) -> list[str]:
    form = form_class(data={next(iter(form_class.base_fields)): value})
    assert not form.is_valid()
    return next(iter(form.errors.values()))


@pytest.mark.django_db
def test_choice_label_is_name_kind_and_code():
    with translation.override("en"):
        assert territory_choice_label(territory("commune", "46127")) == "Gourdon — Commune — 46127"
        assert territory_choice_label(territory("epci", "200065647")) == (
            "CA Pays de Montbéliard Agglomération — EPCI (intercommunality) — 200065647"
        )


@pytest.mark.django_db
def test_field_accepts_a_suggested_label():
    gourdon = territory("commune", "46127")
    assert cleaned(PlaceForm, territory_choice_label(gourdon)) == gourdon


@pytest.mark.django_db
def test_field_accepts_a_label_copied_in_another_language():
    with translation.override("en"):
        label = territory_choice_label(territory("region", "11"))
    with translation.override("fr"):
        assert cleaned(PlaceForm, label) == territory("region", "11")


@pytest.mark.django_db
def test_field_tells_region_and_departement_with_the_same_code_apart_by_label():
    aude = territory("departement", "11")
    assert cleaned(PlaceForm, territory_choice_label(aude)) == aude


@pytest.mark.django_db
def test_field_accepts_a_bare_code():
    assert cleaned(PlaceForm, "46127") == territory("commune", "46127")
    assert cleaned(PlaceForm, "200065647") == territory("epci", "200065647")
    assert cleaned(PlaceForm, " 46 ") == territory("departement", "46")


@pytest.mark.django_db
def test_field_accepts_a_name_designating_a_single_territory():
    assert cleaned(PlaceForm, "montbeliard") == territory("commune", "25388")
    assert cleaned(PlaceForm, "ST-ETIENNE") == territory("commune", "42218")


@pytest.mark.django_db
def test_field_rejects_an_ambiguous_name_and_lists_the_candidates():
    with translation.override("en"):
        (message,) = errors(PlaceForm, "Gourdon")
    assert message.startswith("Several territories match “Gourdon”")
    assert "Gourdon — Commune — 46127" in message
    assert "Gourdon — Commune — 71222" in message


@pytest.mark.django_db
def test_field_rejects_a_code_shared_by_a_region_and_a_departement():
    with translation.override("en"):
        (message,) = errors(PlaceForm, "11")
    assert "Île-de-France" in message and "Aude" in message


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["Atlantis", "99999", "Gourdon — Commune — 99999"])
def test_field_rejects_an_unknown_territory(value):
    with translation.override("en"):
        (message,) = errors(PlaceForm, value)
    assert message.startswith(f"No territory matches “{value}”")


@pytest.mark.django_db
def test_field_with_kinds_ignores_other_kinds():
    # A département's code or label designates nothing in a commune-only field.
    assert cleaned(CommuneForm, "Gourdon — Commune — 46127") == territory("commune", "46127")
    with translation.override("en"):
        assert errors(CommuneForm, "46")[0].startswith("No territory matches")
        label = territory_choice_label(territory("departement", "46"))
        assert errors(CommuneForm, label)[0].startswith("No territory matches")


@pytest.mark.django_db
def test_field_left_empty_is_none_unless_required():
    assert cleaned(PlaceForm, "  ") is None
    with translation.override("en"):
        assert errors(CommuneForm, "") == ["This field is required."]


def test_field_refuses_unknown_kinds():
    with pytest.raises(ValueError, match="canton"):
        TerritoryChoiceField(kinds=["canton"])


@pytest.mark.django_db
def test_field_renders_a_territory_or_its_pk_as_its_label():
    gourdon = territory("commune", "46127")
    field = TerritoryChoiceField()
    assert field.prepare_value(gourdon) == territory_choice_label(gourdon)
    assert field.prepare_value(gourdon.pk) == territory_choice_label(gourdon)
    assert field.prepare_value("as typed") == "as typed"


@pytest.mark.django_db
def test_field_has_changed_compares_territories_not_text():
    gourdon = territory("commune", "46127")
    field = TerritoryChoiceField(required=False)
    assert not field.has_changed(gourdon, "46127")
    assert not field.has_changed(gourdon.pk, territory_choice_label(gourdon))
    assert field.has_changed(gourdon, "25388")
    assert field.has_changed(None, "46127")
    assert not field.has_changed(None, "")


@pytest.mark.django_db
def test_widget_renders_an_input_tied_to_a_datalist_of_regions_and_departements():
    form = PlaceForm(initial={"territory": territory("commune", "46127")})
    with translation.override("en"):
        html = str(form["territory"])

    assert 'list="id_territory-suggestions"' in html
    assert '<datalist id="id_territory-suggestions">' in html
    assert 'value="Gourdon — Commune — 46127"' in html
    assert '<option value="Lot — Département — 46">' in html
    assert '<option value="Occitanie — Region — 76">' in html
    # Communes are too many to list; a script fills them in from the search endpoint.
    assert "Montbéliard —" not in html
    assert 'data-territory-kinds="region departement epci commune"' in html
    assert 'data-territory-search-url="/api/territoires/recherche/"' in html


@pytest.mark.django_db
def test_widget_of_a_commune_field_lists_no_suggestions_up_front():
    html = str(CommuneForm()["commune"])
    assert "<option" not in html
    assert 'data-territory-kinds="commune"' in html
