"""Sample territory data and a loader shortcut shared by the territory tests."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from core.territories.management.commands.load_territories import COLUMNS

# Real rows of the committed file, in its format: enough of the tree to have namesakes
# (Gourdon in the Lot and in Saône-et-Loire), a postcode shared by two communes (46300), a
# code that is both a région and a département ("11"), and a commune without EPCI
# (L'Île-d'Yeu, whose parent is its département).
SAMPLE_CSV = (
    ",".join(COLUMNS)
    + "\n"
    + """\
region,11,Île-de-France,,,,,,12463067,48.76149,2.43469,
region,27,Bourgogne-Franche-Comté,,,,,,2802670,47.23564,5.12851,
region,52,Pays de la Loire,,,,,,3907156,47.56249,-0.67774,
region,76,Occitanie,,,,,,6124653,43.59608,1.88430,
region,84,Auvergne-Rhône-Alpes,,,,,,8205557,45.52840,4.56768,
departement,11,Aude,region,76,76,,,379648,43.12062,2.33388,
departement,25,Doubs,region,27,27,,,547163,47.22743,6.36693,
departement,42,Loire,region,84,84,,,774133,45.72206,4.19694,
departement,46,Lot,region,76,76,,,176473,44.64461,1.63319,
departement,71,Saône-et-Loire,region,27,27,,,550310,46.61785,4.62223,
departement,85,Vendée,region,52,52,,,713609,46.65109,-1.25492,
epci,200065647,CA Pays de Montbéliard Agglomération,departement,25,27,25,,138040,47.45856,6.78624,
epci,244200770,Saint-Étienne Métropole,departement,42,84,42,,408391,45.48388,4.43275,
epci,244600482,CC Quercy - Bouriane,departement,46,76,46,,10416,44.70442,1.42222,
epci,247100290,CU Le Creusot Montceau-les-Mines,departement,71,27,71,,90346,46.72738,4.42352,
commune,25057,Bethoncourt,epci,200065647,27,25,200065647,5308,47.54111,6.80038,25200
commune,25388,Montbéliard,epci,200065647,27,25,200065647,24672,47.51552,6.79148,25200
commune,42218,Saint-Étienne,epci,244200770,84,42,244200770,173136,45.43012,4.37914,42000 42100 42230
commune,46006,Anglars-Nozac,epci,244600482,76,46,244600482,400,44.78272,1.40863,46300
commune,46127,Gourdon,epci,244600482,76,46,244600482,4206,44.73480,1.37713,46300
commune,71222,Gourdon,epci,247100290,27,71,247100290,893,46.64031,4.44219,71300
commune,85113,L'Île-d'Yeu,departement,85,52,85,,4883,46.70935,-2.34713,85350
"""
)
SAMPLE_COUNT = 22


def load_territories(path: Path) -> str:
    """Run the loader on `path` and return what it printed."""
    out = StringIO()
    call_command("load_territories", file=path, verbosity=0, stdout=out)
    return out.getvalue()
