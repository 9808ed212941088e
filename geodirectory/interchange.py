"""Import and export of places in the national schema (v1.0.2), and import of its older
form (the national map's `publics_accueillis` / `conditions_acces` fields).

Import is all or nothing: every row is read and validated first; if any row has an error,
the report lists them (row number, field, message) and nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.spreadsheets import restore_cell, safe_cell
from geodirectory import vocabulary as voc
from geodirectory.models import GeocodingPrecision, Place, PlaceRevision

SCHEMA_PATH = (
    Path(__file__).resolve().parent / "schema" / "schema-lieux-mediation-numerique-v1.0.2.json"
)
_SCHEMA = json.loads(SCHEMA_PATH.read_text())
SCHEMA_FIELDS = [f["name"] for f in _SCHEMA["fields"]]
REQUIRED = [f["name"] for f in _SCHEMA["fields"] if f.get("constraints", {}).get("required")]
# Fields the schema limits in length (presentation_resume: 280), which the CSV export's
# formula quoting must respect.
MAX_LENGTHS = {
    f["name"]: f["constraints"]["maxLength"]
    for f in _SCHEMA["fields"]
    if "maxLength" in f.get("constraints", {})
}
# Schema field → Place attribute (the same name, except the identifier).
ATTRIBUTE = {name: ("id_schema" if name == "id" else name) for name in SCHEMA_FIELDS}
NUMBERS = {"latitude", "longitude"}
DATES = {"date_maj"}

# --- The older format ------------------------------------------------------------------------
# Old vocabulary → (new field, new value); None when nothing in today's schema says it.
OLD_SERVICES = {
    "Accéder à du matériel": ("services", "Accès internet et matériel informatique"),
    "Accéder à une connexion internet": ("services", "Accès internet et matériel informatique"),
    "Utiliser le numérique au quotidien": (
        "services",
        "Maîtrise des outils numériques du quotidien",
    ),
    "Prendre en main un ordinateur": ("services", "Maîtrise des outils numériques du quotidien"),
    "Prendre en main un smartphone ou une tablette": (
        "services",
        "Maîtrise des outils numériques du quotidien",
    ),
    "Approfondir ma culture numérique": ("services", "Compréhension du monde numérique"),
    "Promouvoir la citoyenneté numérique": ("services", "Compréhension du monde numérique"),
    "Réaliser des démarches administratives avec un accompagnement": (
        "services",
        "Aide aux démarches administratives",
    ),
    "Devenir autonome dans les démarches administratives": (
        "services",
        "Aide aux démarches administratives",
    ),
    "Accompagner les démarches de santé": ("services", "Aide aux démarches administratives"),
}
OLD_PUBLICS = {
    "Adultes": None,  # every place welcomes adults: the schema only lists specific publics
    "Seniors (+ 65 ans)": ("publics_specifiquement_adresses", "Seniors"),
    "Jeunes (16-26 ans)": ("publics_specifiquement_adresses", "Jeunes"),
    "Familles/enfants": ("publics_specifiquement_adresses", "Familles et/ou enfants"),
    "Surdité": ("prise_en_charge_specifique", "Surdité"),
    "Déficience visuelle": ("prise_en_charge_specifique", "Déficience visuelle"),
    "Personnes en situation d'illettrisme": ("prise_en_charge_specifique", "Illettrisme"),
    "Public langues étrangères": ("prise_en_charge_specifique", "Langues étrangères (autres)"),
    "Handicaps mentaux : déficiences limitant les activités d'une personne": (
        "prise_en_charge_specifique",
        "Handicaps mentaux",
    ),
}
OLD_ACCESS_CONDITIONS = {
    "Gratuit": ("frais_a_charge", "Gratuit"),
    "Gratuit sous condition": ("frais_a_charge", "Gratuit sous condition"),
    "Payant": ("frais_a_charge", "Payant"),
    "Adhésion": ("frais_a_charge", "Payant"),
    "Accepte le Pass numérique": None,
}
OLD_SUPPORT = {
    "Seul": ("modalites_accompagnement", "En autonomie"),
    "Avec de l'aide": ("modalites_accompagnement", "Accompagnement individuel"),
    "Dans un atelier": ("modalites_accompagnement", "Dans un atelier collectif"),
    "A ma place": None,
}
OLD_FIELDS = {
    "services": OLD_SERVICES,
    "publics_accueillis": OLD_PUBLICS,
    "conditions_acces": OLD_ACCESS_CONDITIONS,
    "modalites_accompagnement": OLD_SUPPORT,
}
OLD_MARKERS = {"publics_accueillis", "conditions_acces", "courriel"}


@dataclass
class Problem:
    row: int | None  # 1-based data row (the header is row 0); None for the whole file
    field: str
    message: str

    def __str__(self) -> str:
        where = _("file") if self.row is None else _("row %(n)s") % {"n": self.row}
        return (
            f"{where} · {self.field} · {self.message}"
            if self.field
            else f"{where} · {self.message}"
        )


@dataclass
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    old_format: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, columns)."""


# --- Reading ---------------------------------------------------------------------------------


def read_file(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is not in UTF-8 (byte %(pos)s cannot be read): it was probably saved "
                "as Latin-1 or Windows-1252. Save it again as “CSV UTF-8” and retry."
            )
            % {"pos": error.start}
        ) from error
    suffix = path.suffix.lower()
    stripped = text.lstrip()
    if suffix == ".json" or stripped.startswith(("[", "{")):
        return _read_json(text)
    return _read_csv(text)


def _read_json(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("The JSON is not valid (line %(line)s, column %(col)s): %(msg)s.")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from error
    if isinstance(data, dict):
        data = data.get("data", data.get("lieux"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ImportFileError(_("The JSON must be a list of places (objects)."))
    return data


def _read_csv(text: str) -> list[dict[str, Any]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise ImportFileError(_("The file is empty."))
    rows = list(reader)
    for row in rows:
        if None in row:
            raise ImportFileError(
                _("Row %(n)s has more values than there are columns.") % {"n": reader.line_num}
            )
    # Text our CSV export quoted so that no spreadsheet reads it as a formula comes back as
    # it was written (see core.spreadsheets).
    return [
        {
            key: restore_cell(value) if isinstance(value, str) else value
            for key, value in row.items()
        }
        for row in rows
    ]


def is_old_format(rows: list[dict[str, Any]]) -> bool:
    keys = set().union(*(r.keys() for r in rows[:50])) if rows else set()
    return bool(keys & OLD_MARKERS)


def check_columns(rows: list[dict[str, Any]]) -> None:
    if not rows:
        raise ImportFileError(_("The file holds no place."))
    present = set().union(*(r.keys() for r in rows))
    missing = [name for name in REQUIRED if name not in present]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )


def convert_old(row: dict[str, Any], number: int, report: Report) -> dict[str, Any]:
    """Today's fields from an older-format row; what cannot be mapped is reported."""
    new = {k: v for k, v in row.items() if k in SCHEMA_FIELDS and k not in OLD_FIELDS}
    collected: dict[str, list[str]] = {}
    for old_field, mapping in OLD_FIELDS.items():
        for value in str(row.get(old_field) or "").split(";"):
            value = value.strip()
            if not value:
                continue
            key = value.split(" : ", 1)[0].strip() if old_field != "services" else value
            if key not in mapping and value in mapping:
                key = value
            target = mapping.get(key, False)
            if target is False:
                report.warnings.append(
                    Problem(number, old_field, _("unknown value “%(v)s”, left out") % {"v": value})
                )
            elif target is None:
                report.warnings.append(
                    Problem(
                        number,
                        old_field,
                        _("“%(v)s” has no equivalent in the schema, left out") % {"v": key},
                    )
                )
            else:
                new_field, new_value = target
                values = collected.setdefault(new_field, [])
                if new_value not in values:
                    values.append(new_value)
    for new_field, values in collected.items():
        new[new_field] = voc.join(values)
    if row.get("courriel") and not row.get("courriels"):
        new["courriels"] = row["courriel"]
    return new


def _to_value(name: str, value: Any) -> Any:
    if value is None:
        return None if name in NUMBERS else ""
    if isinstance(value, list):
        value = voc.join(str(v) for v in value)
    if name in NUMBERS:
        text = str(value).strip().replace(",", ".")
        return float(text) if text else None
    if name in DATES:
        return date.fromisoformat(str(value).strip()) if str(value).strip() else None
    return str(value).strip()


def build_place(
    values: dict[str, Any], existing: Place | None, number: int
) -> tuple[Place, list[Problem]]:
    place = existing or Place()
    problems = []
    for name in SCHEMA_FIELDS:
        if name not in values:
            continue
        try:
            converted = _to_value(name, values[name])
        except ValueError:
            expected = _("a number") if name in NUMBERS else _("a date YYYY-MM-DD")
            problems.append(
                Problem(
                    number,
                    name,
                    _("“%(v)s” is not %(what)s.") % {"v": values[name], "what": expected},
                )
            )
            continue
        setattr(place, ATTRIBUTE[name], converted)
    try:
        place.full_clean(
            exclude=["slug", "territory"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            name = "id" if field_name == "id_schema" else field_name
            problems.extend(Problem(number, name, m) for m in messages)
    return place, problems


def import_rows(
    rows: list[dict[str, Any]], *, dry_run: bool = False, progress: Iterable | None = None
) -> Report:
    """Validate every row, then (unless `dry_run` or any error) write them all at once."""
    from geodirectory.services import place_save, snapshot

    report = Report(old_format=is_old_format(rows))
    check_columns(rows)
    existing = Place.objects.in_bulk(
        [str(r.get("id", "")).strip() for r in rows], field_name="id_schema"
    )
    seen: dict[str, int] = {}
    prepared: list[tuple[Place, bool]] = []
    for number, row in enumerate(progress if progress is not None else rows, start=1):
        values = convert_old(row, number, report) if report.old_format else row
        identifier = str(values.get("id") or "").strip()
        if identifier in seen:
            report.errors.append(
                Problem(number, "id", _("duplicate of row %(n)s.") % {"n": seen[identifier]})
            )
            continue
        if identifier:
            seen[identifier] = number
        current = existing.get(identifier)
        before = snapshot(current) if current else None
        place, problems = build_place(values, current, number)
        if report.old_format and place.is_located:
            place.geocoding_precision = GeocodingPrecision.SOURCE
        report.errors.extend(problems)
        if not problems:
            changed = before is None or snapshot(place) != before
            prepared.append((place, changed))
    if report.errors or dry_run:
        for place, changed in prepared:
            if place.pk is None:
                report.created += 1
            elif changed:
                report.updated += 1
            else:
                report.unchanged += 1
        return report
    with transaction.atomic():
        for place, changed in prepared:
            if place.pk is None:
                report.created += 1
            elif not changed:
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            place_save(
                place=place,
                actor=None,
                origin=PlaceRevision.Origin.IMPORT,
                check_permission=False,
            )
    return report


# --- Export ----------------------------------------------------------------------------------


def export_row(place: Place) -> dict[str, Any]:
    row = {}
    for name in SCHEMA_FIELDS:
        value = getattr(place, ATTRIBUTE[name])
        if isinstance(value, date):
            value = value.isoformat()
        row[name] = value
    return row


def export_csv_lines(places: Iterable[Place]) -> Iterator[str]:
    """The CSV export. A value that a spreadsheet would read as a formula is quoted
    (core.spreadsheets.safe_cell): free text gets a leading apostrophe, within the schema's
    maximum lengths; phone numbers in the schema's format (+33…) and the fields the schema
    constrains by a pattern are written as they are, so that the file stays valid."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCHEMA_FIELDS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    yield buffer.getvalue()
    for place in places:
        buffer.seek(0)
        buffer.truncate()
        row = {
            k: "" if v is None else safe_cell(v, max_length=MAX_LENGTHS.get(k))
            for k, v in export_row(place).items()
        }
        writer.writerow(row)
        yield buffer.getvalue()


def export_json_items(places: Iterable[Place]) -> Iterator[str]:
    yield "["
    first = True
    for place in places:
        row = {k: (None if v == "" else v) for k, v in export_row(place).items()}
        yield ("" if first else ",") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "]"
