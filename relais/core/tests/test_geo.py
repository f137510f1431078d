import math

import numpy as np
import pytest

from relais.core.geo import haversine_km

BRUSSELS = (50.8467, 4.3525)
BUCHAREST = (44.4325, 26.1039)


def test_brussels_to_bucharest_is_about_1770_km():
    assert haversine_km(*BRUSSELS, *BUCHAREST) == pytest.approx(1770, abs=10)


def test_one_point_to_many_gives_each_distance_and_nan_where_unknown():
    distances = haversine_km(
        *BRUSSELS,
        np.array([BRUSSELS[0], BUCHAREST[0], np.nan]),
        np.array([BRUSSELS[1], BUCHAREST[1], np.nan]),
    )
    assert distances[0] == 0
    assert distances[1] == pytest.approx(haversine_km(*BRUSSELS, *BUCHAREST))
    assert math.isnan(distances[2])


def test_antipodes_do_not_overflow_the_arcsine():
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * 6371.0088)
