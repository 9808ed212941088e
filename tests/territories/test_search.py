from __future__ import annotations

import pytest

from core.territories.models import TerritoryKind
from core.territories.selectors import commune_for_postcode, search_territories

pytestmark = pytest.mark.usefixtures("sample_territories")


def codes(territories) -> list[tuple[str, str]]:
    return [(t.kind, t.code) for t in territories]


@pytest.mark.django_db
def test_search_by_name_prefix_finds_montbeliard_and_its_agglomeration():
    results = codes(search_territories("montbel"))
    # The commune's name starts with the query; the EPCI's has a word that does.
    assert results == [("commune", "25388"), ("epci", "200065647")]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["st etienne", "Saint-Étienne", "SAINT ETIENNE", "st-étienne"])
def test_search_by_name_finds_saint_etienne_first_however_it_is_typed(query):
    results = search_territories(query)
    assert (results[0].kind, results[0].code) == ("commune", "42218")
    assert ("epci", "244200770") in codes(results)


@pytest.mark.django_db
def test_search_by_name_ranks_namesakes_by_population():
    assert codes(search_territories("gourdon")) == [("commune", "46127"), ("commune", "71222")]


@pytest.mark.django_db
def test_search_by_name_matches_a_word_inside_the_name():
    assert codes(search_territories("bouriane")) == [("epci", "244600482")]


@pytest.mark.django_db
def test_search_by_postcode_finds_gourdon():
    results = search_territories("46300")
    assert codes(results) == [("commune", "46127"), ("commune", "46006")]


@pytest.mark.django_db
def test_search_by_insee_code_finds_the_commune():
    assert codes(search_territories("25388")) == [("commune", "25388")]


@pytest.mark.django_db
def test_search_by_departement_code_finds_the_departement_not_the_region():
    assert codes(search_territories("46")) == [("departement", "46")]
    # "11" is both Île-de-France's région code and the Aude's département code.
    assert codes(search_territories("11")) == [("departement", "11")]


@pytest.mark.django_db
def test_search_by_siren_finds_the_epci():
    assert codes(search_territories("200065647")) == [("epci", "200065647")]


@pytest.mark.django_db
def test_search_restricted_to_kinds_leaves_the_others_out():
    assert codes(search_territories("montbel", kinds=[TerritoryKind.EPCI])) == [
        ("epci", "200065647")
    ]
    assert search_territories("46300", kinds=["epci"]) == []
    assert search_territories("lot", kinds=["commune"]) == []


@pytest.mark.django_db
def test_search_honours_the_limit():
    assert len(search_territories("gourdon", limit=1)) == 1
    assert search_territories("gourdon", limit=0) == []


@pytest.mark.django_db
def test_search_of_nothing_or_punctuation_finds_nothing():
    assert search_territories("") == []
    assert search_territories(" -' ") == []
    assert search_territories("50%") == []


@pytest.mark.django_db
def test_search_by_name_takes_at_most_two_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        search_territories("montbel")


@pytest.mark.django_db
def test_commune_for_postcode_lists_every_commune_it_serves():
    assert codes(commune_for_postcode("46300")) == [("commune", "46127"), ("commune", "46006")]
    assert codes(commune_for_postcode("25200")) == [("commune", "25388"), ("commune", "25057")]
    assert commune_for_postcode("99999") == []
