"""Load the French territory tree shipped with the project into the database.

    manage.py load_territories [--file PATH]

The default file is core/territories/data/territories.csv.gz (see the README beside it).
The command is an upsert keyed on (kind, code): running it again, or after a data update,
only writes the rows that differ, and says how many were created, updated or unchanged.
Territories absent from the file are reported, never deleted: roles, groups and places
point at them (PROTECT), and removing them is a decision for a person.
"""

from __future__ import annotations

import csv
import gzip
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from tqdm import tqdm

from core.territories.models import PostalCode, Territory, TerritoryKind
from core.territories.text import normalize

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "territories.csv.gz"

COLUMNS = (
    "kind",
    "code",
    "name",
    "parent_kind",
    "parent_code",
    "region_code",
    "departement_code",
    "epci_code",
    "population",
    "latitude",
    "longitude",
    "postcodes",
)

# Parents first: loading level by level lets each row get its parent's id in the same
# upsert that writes it, with no extra UPDATE pass over 35,000 rows.
LEVELS = (
    TerritoryKind.REGION,
    TerritoryKind.DEPARTEMENT,
    TerritoryKind.EPCI,
    TerritoryKind.COMMUNE,
)

# The fields the file determines; compared to decide whether a row changed.
DATA_FIELDS = (
    "name",
    "search_name",
    "parent_id",
    "region_code",
    "departement_code",
    "epci_code",
    "population",
    "latitude",
    "longitude",
)
UPDATE_FIELDS = [field.removesuffix("_id") for field in DATA_FIELDS]

CHUNK_SIZE = 2000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    postcodes_created: int = 0
    postcodes_deleted: int = 0
    absent: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.postcodes_created or self.postcodes_deleted
        )


class Command(BaseCommand):
    help = "Load (or update) régions, départements, EPCI, communes and postcodes from a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_FILE,
            help="gzip (or plain) CSV in the format of core/territories/data/README.md",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        rows = list(read_rows(path))
        show_progress = options["verbosity"] > 0
        with (
            tqdm(
                total=len(rows),
                desc="Territories",
                unit=" rows",
                file=sys.stderr,
                disable=not show_progress,
            ) as progress,
            transaction.atomic(),
        ):
            counts = load(rows, progress=progress)
        if counts.changed and connection.vendor == "postgresql":
            # Fresh statistics, or the planner keeps guessing from an empty table and scans
            # all communes for a postcode lookup until autovacuum comes by.
            with connection.cursor() as cursor:
                for model in (Territory, PostalCode):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.stdout.write(summary(counts))


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise CommandError(f"{path}: missing columns {', '.join(sorted(missing))}")
        kinds = set(TerritoryKind.values)
        seen: set[tuple[str, str]] = set()
        for line, row in enumerate(reader, start=2):
            if row["kind"] not in kinds or not row["code"] or not row["name"]:
                raise CommandError(f"{path}, line {line}: needs a known kind, a code and a name")
            # One upsert cannot write the same row twice (PostgreSQL refuses it).
            key = (row["kind"], row["code"])
            if key in seen:
                raise CommandError(f"{path}, line {line}: {row['kind']} {row['code']} again")
            seen.add(key)
            yield row


def load(rows: list[dict[str, str]], *, progress: tqdm) -> Counts:
    counts = Counts()
    ids: dict[tuple[str, str], int] = {}
    by_level: dict[str, list[dict[str, str]]] = {level: [] for level in LEVELS}
    for row in rows:
        by_level[row["kind"]].append(row)

    for level in LEVELS:
        level_rows = by_level[level]
        existing = {
            values["code"]: values
            for values in Territory.objects.filter(kind=level).values("id", "code", *DATA_FIELDS)
        }
        counts.absent += len(existing.keys() - {row["code"] for row in level_rows})
        for start in range(0, len(level_rows), CHUNK_SIZE):
            chunk = level_rows[start : start + CHUNK_SIZE]
            pending: list[Territory] = []
            for row in chunk:
                territory = to_territory(row, ids)
                current = existing.get(territory.code)
                if current is None:
                    counts.created += 1
                    pending.append(territory)
                elif any(getattr(territory, f) != current[f] for f in DATA_FIELDS):
                    counts.updated += 1
                    pending.append(territory)
                else:
                    counts.unchanged += 1
            if pending:
                Territory.objects.bulk_create(
                    pending,
                    update_conflicts=True,
                    unique_fields=["kind", "code"],
                    update_fields=UPDATE_FIELDS,
                )
            progress.update(len(chunk))
        # The next level needs this one's ids, and some backends do not return them from an
        # upsert: read them back, one indexed query per level.
        ids.update(
            ((level, code), pk)
            for code, pk in Territory.objects.filter(kind=level).values_list("code", "id")
        )

    load_postcodes(by_level[TerritoryKind.COMMUNE], ids, counts)
    return counts


def to_territory(row: dict[str, str], ids: dict[tuple[str, str], int]) -> Territory:
    parent_id = None
    if row["parent_kind"]:
        parent_id = ids.get((row["parent_kind"], row["parent_code"]))
        if parent_id is None:
            raise CommandError(
                f"{row['kind']} {row['code']}: parent {row['parent_kind']} "
                f"{row['parent_code']} is neither in the file before it nor in the database"
            )
    return Territory(
        kind=row["kind"],
        code=row["code"],
        name=row["name"],
        search_name=normalize(row["name"]),
        parent_id=parent_id,
        region_code=row["region_code"],
        departement_code=row["departement_code"],
        epci_code=row["epci_code"],
        population=int(row["population"]) if row["population"] else None,
        latitude=float(row["latitude"]) if row["latitude"] else None,
        longitude=float(row["longitude"]) if row["longitude"] else None,
    )


def load_postcodes(
    communes: list[dict[str, str]], ids: dict[tuple[str, str], int], counts: Counts
) -> None:
    """Make each commune's postcodes those of the file: add the missing, drop the stale."""
    wanted = {
        (postcode, ids[(TerritoryKind.COMMUNE, row["code"])])
        for row in communes
        for postcode in row["postcodes"].split()
    }
    commune_ids = {ids[(TerritoryKind.COMMUNE, row["code"])] for row in communes}
    existing: dict[tuple[str, int], int] = {
        (code, commune_id): pk
        for pk, code, commune_id in PostalCode.objects.filter(
            commune__kind=TerritoryKind.COMMUNE
        ).values_list("id", "code", "commune_id")
        if commune_id in commune_ids
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    for start in range(0, len(stale), CHUNK_SIZE):
        PostalCode.objects.filter(pk__in=stale[start : start + CHUNK_SIZE]).delete()
    counts.postcodes_deleted = len(stale)
    missing = sorted(wanted - existing.keys())
    # ignore_conflicts: a concurrent run may have added the same pair meanwhile.
    PostalCode.objects.bulk_create(
        [PostalCode(code=code, commune_id=commune_id) for code, commune_id in missing],
        batch_size=CHUNK_SIZE,
        ignore_conflicts=True,
    )
    counts.postcodes_created = len(missing)


def summary(counts: Counts) -> str:
    text = (
        f"Territories: {counts.created:,} created, {counts.updated:,} updated, "
        f"{counts.unchanged:,} unchanged; postcodes: {counts.postcodes_created:,} created, "
        f"{counts.postcodes_deleted:,} removed."
    )
    if counts.absent:
        text += f" {counts.absent:,} territories in the database are not in the file (kept)."
    if not counts.changed:
        text += " Nothing changed."
    return text
