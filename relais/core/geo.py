"""Distances on the Earth's surface, one way for every search and API."""

from typing import TypeVar

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

Coordinate = TypeVar("Coordinate", float, np.ndarray)


def haversine_km(
    latitude: float, longitude: float, latitudes: Coordinate, longitudes: Coordinate
) -> Coordinate:
    """Great-circle distance in km from one point to one point or to an array
    of points (NaN where a coordinate is missing)."""
    p1 = np.radians(latitude)
    p2 = np.radians(latitudes)
    dp = p2 - p1
    dl = np.radians(np.asarray(longitudes) - longitude)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    if np.ndim(distance) == 0:
        return float(distance)  # type: ignore[return-value]
    return distance  # type: ignore[no-any-return]
