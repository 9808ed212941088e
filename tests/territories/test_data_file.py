"""The committed territory file, read as it is shipped: no database involved."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from functools import cache

import pytest

from core.territories.management.commands.load_territories import COLUMNS, DEFAULT_FILE

Row = dict[str, str]


@cache
def _rows() -> tuple[Row, ...]:
    with gzip.open(DEFAULT_FILE, "rt", encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))


@pytest.fixture(scope="module")
def rows() -> tuple[Row, ...]:
    return _rows()


@pytest.fixture(scope="module")
def by_key(rows) -> dict[tuple[str, str], Row]:
    return {(row["kind"], row["code"]): row for row in rows}


def test_data_file_is_compact_and_has_the_documented_columns():
    assert DEFAULT_FILE.stat().st_size < 2 * 1024 * 1024
    with gzip.open(DEFAULT_FILE, "rt", encoding="utf-8", newline="") as file:
        assert tuple(next(csv.reader(file))) == COLUMNS
    assert (DEFAULT_FILE.parent / "README.md").is_file()


def test_data_file_counts_match_the_administrative_division(rows):
    counts = Counter(row["kind"] for row in rows)
    # 13 metropolitan régions and 5 overseas (Guadeloupe, Martinique, Guyane, La Réunion,
    # Mayotte); 96 + 5 départements.
    assert counts["region"] == 18
    assert counts["departement"] == 101
    assert 1200 <= counts["epci"] <= 1300
    assert 34_500 <= counts["commune"] <= 35_500


def test_data_file_is_ordered_by_level_with_unique_codes(rows):
    order = ["region", "departement", "epci", "commune"]
    ranks = [order.index(row["kind"]) for row in rows]
    assert ranks == sorted(ranks)
    keys = Counter((row["kind"], row["code"]) for row in rows)
    assert keys.most_common(1)[0][1] == 1


def test_every_territory_but_regions_has_a_parent_listed_before_it(rows):
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row["kind"] == "region":
            assert row["parent_kind"] == row["parent_code"] == ""
        else:
            assert (row["parent_kind"], row["parent_code"]) in seen, row
        seen.add((row["kind"], row["code"]))


def test_communes_belong_to_their_epci_or_else_their_departement(rows):
    for row in rows:
        if row["kind"] != "commune":
            continue
        assert row["region_code"] and row["departement_code"]
        if row["epci_code"]:
            assert (row["parent_kind"], row["parent_code"]) == ("epci", row["epci_code"])
        else:
            assert (row["parent_kind"], row["parent_code"]) == (
                "departement",
                row["departement_code"],
            )


def test_almost_every_commune_has_coordinates_in_france(rows):
    communes = [row for row in rows if row["kind"] == "commune"]
    located = [row for row in communes if row["latitude"] and row["longitude"]]
    assert len(located) / len(communes) >= 0.995
    for row in located:
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
        if row["departement_code"].startswith("97"):
            assert -22 < latitude < 18 and -62 < longitude < 56, row
        else:
            assert 41 < latitude < 51.2 and -5.3 < longitude < 9.7, row


def test_montbeliard_is_in_the_pays_de_montbeliard_agglomeration(by_key):
    montbeliard = by_key[("commune", "25388")]
    assert montbeliard["name"] == "Montbéliard"
    assert montbeliard["epci_code"] == "200065647"
    assert (montbeliard["parent_kind"], montbeliard["parent_code"]) == ("epci", "200065647")
    assert "Pays de Montbéliard Agglomération" in by_key[("epci", "200065647")]["name"]
    assert float(montbeliard["latitude"]) == pytest.approx(47.51, abs=0.02)
    assert float(montbeliard["longitude"]) == pytest.approx(6.80, abs=0.02)
    assert "25200" in montbeliard["postcodes"].split()


def test_gourdon_is_in_the_lot_in_occitanie(by_key):
    gourdon = by_key[("commune", "46127")]
    assert gourdon["name"] == "Gourdon"
    assert (gourdon["departement_code"], gourdon["region_code"]) == ("46", "76")
    assert by_key[("departement", "46")]["name"] == "Lot"
    assert by_key[("departement", "46")]["parent_code"] == "76"
    assert gourdon["postcodes"] == "46300"


def test_saint_etienne_and_bras_sur_meuse_are_present(by_key):
    assert by_key[("commune", "42218")]["name"] == "Saint-Étienne"
    assert by_key[("commune", "42218")]["postcodes"].split() == ["42000", "42100", "42230"]
    assert by_key[("commune", "55073")]["name"] == "Bras-sur-Meuse"
    assert by_key[("commune", "55073")]["departement_code"] == "55"


def test_paris_lyon_marseille_get_coordinates_from_their_arrondissements(by_key):
    paris = by_key[("commune", "75056")]
    assert float(paris["latitude"]) == pytest.approx(48.86, abs=0.03)
    assert float(paris["longitude"]) == pytest.approx(2.34, abs=0.03)
    assert by_key[("commune", "69123")]["latitude"]
    assert by_key[("commune", "13055")]["latitude"]
    assert len(paris["postcodes"].split()) >= 20


def test_epci_straddling_departements_is_filed_under_its_main_one(by_key):
    # The Métropole du Grand Paris has Paris but most of its communes are in the Val-de-Marne.
    grand_paris = by_key[("epci", "200054781")]
    assert (grand_paris["parent_kind"], grand_paris["departement_code"]) == ("departement", "94")
    assert grand_paris["region_code"] == "11"
    assert by_key[("commune", "75056")]["departement_code"] == "75"
