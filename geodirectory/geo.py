"""Great-circle distances and the boxes that bound them (WGS84, spherical Earth)."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres along the sphere between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float

    @property
    def crosses_antimeridian(self) -> bool:
        return self.west > self.east


def box_around(latitude: float, longitude: float, radius_m: float) -> Box | None:
    """The smallest latitude/longitude box containing every point within `radius_m`.

    None when the circle covers a pole or the whole range of longitudes: then no box
    narrows the search.
    """
    angular = radius_m / EARTH_RADIUS_M
    lat = math.radians(latitude)
    south, north = lat - angular, lat + angular
    if south <= -math.pi / 2 or north >= math.pi / 2:
        return None
    if math.sin(angular) >= math.cos(lat):
        return None
    # Widest longitude reach of the circle (at the latitude of tangency).
    delta = math.asin(math.sin(angular) / math.cos(lat))
    west = longitude - math.degrees(delta)
    east = longitude + math.degrees(delta)
    if west < -180:
        west += 360
    if east > 180:
        east -= 360
    return Box(math.degrees(south), west, math.degrees(north), east)
