from __future__ import annotations

import gzip

import pytest
from django.core.management.base import CommandError

from core.territories.management.commands.load_territories import DEFAULT_FILE
from core.territories.models import PostalCode, Territory, TerritoryKind
from tests.territories.helpers import SAMPLE_COUNT, load_territories


@pytest.mark.django_db
def test_loader_creates_the_tree_with_parents_and_search_names(sample_file):
    output = load_territories(sample_file)

    assert f"{SAMPLE_COUNT} created, 0 updated, 0 unchanged" in output
    assert Territory.objects.count() == SAMPLE_COUNT
    gourdon = Territory.objects.select_related("parent__parent__parent").get(
        kind=TerritoryKind.COMMUNE, code="46127"
    )
    assert gourdon.search_name == "gourdon"
    assert (gourdon.parent.kind, gourdon.parent.code) == ("epci", "244600482")
    assert (gourdon.parent.parent.kind, gourdon.parent.parent.code) == ("departement", "46")
    assert gourdon.parent.parent.parent.code == "76"
    assert gourdon.parent.parent.parent.parent is None
    assert (gourdon.region_code, gourdon.departement_code, gourdon.epci_code) == (
        "76",
        "46",
        "244600482",
    )
    assert gourdon.population == 4206
    assert (gourdon.latitude, gourdon.longitude) == (44.7348, 1.37713)
    assert Territory.objects.get(code="42218").search_name == "saint etienne"


@pytest.mark.django_db
def test_loader_files_a_commune_without_epci_under_its_departement(sample_file):
    load_territories(sample_file)
    yeu = Territory.objects.select_related("parent").get(kind="commune", code="85113")
    assert (yeu.parent.kind, yeu.parent.code) == ("departement", "85")
    assert yeu.epci_code == ""


@pytest.mark.django_db
def test_loader_loads_postcodes_shared_between_communes(sample_file):
    load_territories(sample_file)
    assert sorted(
        PostalCode.objects.filter(code="46300").values_list("commune__code", flat=True)
    ) == [
        "46006",
        "46127",
    ]
    assert list(
        PostalCode.objects.filter(commune__code="42218")
        .order_by("code")
        .values_list("code", flat=True)
    ) == ["42000", "42100", "42230"]


@pytest.mark.django_db
def test_loader_second_run_changes_nothing_and_says_so(sample_file):
    load_territories(sample_file)
    before = list(Territory.objects.order_by("pk").values())

    output = load_territories(sample_file)

    assert f"0 created, 0 updated, {SAMPLE_COUNT} unchanged" in output
    assert "postcodes: 0 created, 0 removed" in output
    assert "Nothing changed" in output
    assert list(Territory.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_loader_updates_changed_rows_and_stale_postcodes(sample_file, tmp_path):
    load_territories(sample_file)
    gourdon_pk = Territory.objects.get(kind="commune", code="46127").pk
    changed = sample_file.read_text(encoding="utf-8")
    changed = changed.replace(
        "Gourdon,epci,244600482,76,46,244600482,4206", "Gourdon,epci,244600482,76,46,244600482,4300"
    )
    changed = changed.replace("42000 42100 42230", "42000 42100")
    path = tmp_path / "changed.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write(changed)

    output = load_territories(path)

    assert f"0 created, 1 updated, {SAMPLE_COUNT - 1} unchanged" in output
    assert "postcodes: 0 created, 1 removed" in output
    gourdon = Territory.objects.get(kind="commune", code="46127")
    assert (gourdon.pk, gourdon.population) == (gourdon_pk, 4300)
    assert not PostalCode.objects.filter(commune__code="42218", code="42230").exists()


@pytest.mark.django_db
def test_loader_keeps_territories_missing_from_the_file_and_reports_them(sample_file, tmp_path):
    load_territories(sample_file)
    path = tmp_path / "smaller.csv"
    lines = sample_file.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("commune,25057")))

    output = load_territories(path)

    assert "1 territories in the database are not in the file (kept)" in output
    assert Territory.objects.filter(code="25057").exists()


@pytest.mark.django_db
def test_loader_rejects_a_row_whose_parent_is_unknown(tmp_path):
    path = tmp_path / "orphan.csv"
    path.write_text(
        "kind,code,name,parent_kind,parent_code,region_code,departement_code,epci_code,"
        "population,latitude,longitude,postcodes\n"
        "departement,46,Lot,region,76,76,,,176473,44.64461,1.63319,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="parent region 76"):
        load_territories(path)
    assert not Territory.objects.exists()


@pytest.mark.django_db
def test_loader_rejects_a_file_without_the_expected_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("kind,code,name\nregion,76,Occitanie\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        load_territories(path)


@pytest.mark.django_db
def test_loader_loads_the_committed_file_once_then_finds_nothing_to_change():
    output = load_territories(DEFAULT_FILE)

    communes = Territory.objects.filter(kind=TerritoryKind.COMMUNE)
    assert Territory.objects.filter(kind=TerritoryKind.REGION).count() == 18
    assert Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT).count() == 101
    assert 34_500 <= communes.count() <= 35_500
    assert not communes.filter(parent__isnull=True).exists()
    assert PostalCode.objects.count() >= communes.count()
    assert "0 updated, 0 unchanged" in output
    montbeliard = communes.select_related("parent").get(code="25388")
    assert montbeliard.parent.code == "200065647"

    assert "Nothing changed" in load_territories(DEFAULT_FILE)
