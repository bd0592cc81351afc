"""Mars24 against its published worked examples and against the landing's PDS-labelled times.

Expected values: NASA GISS, "Mars24 Sunclock: Algorithm and Worked Examples"
(https://www.giss.nasa.gov/tools/mars24/help/algorithm.html), section III:
example A, 2000-01-06 00:00:00 UTC ("near coincident Earth and Mars times", longitude 0);
example B, 2004-01-03 13:46:31 UTC (MER-A Spirit landing, 184.702° W = -184.702° E).
The page prints five decimals; the tolerances are half a unit in the last printed place or the
page's own rounding (its LTST for example B, 0.00025 h, is LMST + EOT of its own printed values
rounded differently; we check the sum of our LMST and EOT).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mediacat.core import mars_time as mt

EXAMPLE_A = datetime(2000, 1, 6, 0, 0, 0, tzinfo=UTC)  # millis 947116800000
EXAMPLE_B = datetime(2004, 1, 3, 13, 46, 31, tzinfo=UTC)  # millis 1073137591000


def test_example_a_every_step() -> None:
    assert EXAMPLE_A.timestamp() * 1000 == 947116800000
    assert mt.julian_date_ut(EXAMPLE_A) == pytest.approx(2451549.5, abs=1e-9)
    assert mt.tt_minus_utc(EXAMPLE_A) == pytest.approx(64.184)
    assert mt.julian_date_tt(EXAMPLE_A) == pytest.approx(2451549.50074, abs=5e-6)
    dt = mt.days_since_j2000(EXAMPLE_A)
    assert dt == pytest.approx(4.50074, abs=5e-6)
    assert mt.mean_anomaly(dt) == pytest.approx(21.74558, abs=5e-6)  # B-1
    assert mt.fictitious_mean_sun(dt) == pytest.approx(272.74566, abs=5e-6)  # B-2
    assert mt.perturbers(dt) == pytest.approx(0.00142, abs=5e-6)  # B-3
    assert mt.equation_of_center(dt) == pytest.approx(4.44193, abs=5e-6)  # B-4
    assert mt.solar_longitude(dt) == pytest.approx(277.18758, abs=1.5e-5)  # B-5 (page rounds down)
    assert mt.equation_of_time(dt) / 15 == pytest.approx(-0.34585, abs=5e-6)  # C-1, hours
    assert mt.mars_sol_date(dt) == pytest.approx(44795.99976, abs=5e-6)  # C-2
    assert mt.coordinated_mars_time(dt) == pytest.approx(23.99425, abs=5e-6)  # C-2
    assert mt.local_mean_solar_time(dt, 0.0) == pytest.approx(23.99425, abs=5e-6)  # C-3
    assert mt.local_true_solar_time(dt, 0.0) == pytest.approx(23.64840, abs=5e-6)  # C-4
    assert mt.format_hours(mt.coordinated_mars_time(dt)) == "23:59:39"


def test_example_b_spirit_landing() -> None:
    assert EXAMPLE_B.timestamp() * 1000 == 1073137591000
    assert mt.julian_date_ut(EXAMPLE_B) == pytest.approx(2453008.07397, abs=5e-6)
    assert mt.tt_minus_utc(EXAMPLE_B) == pytest.approx(64.184)
    assert mt.julian_date_tt(EXAMPLE_B) == pytest.approx(2453008.07471, abs=5e-6)
    dt = mt.days_since_j2000(EXAMPLE_B)
    assert dt == pytest.approx(1463.07471, abs=5e-6)
    assert mt.mean_anomaly(dt) == pytest.approx(66.06858, abs=5e-6)
    assert mt.fictitious_mean_sun(dt) == pytest.approx(317.09457, abs=5e-6)
    assert mt.perturbers(dt) == pytest.approx(0.01614, abs=5e-6)
    assert mt.equation_of_center(dt) == pytest.approx(10.22959, abs=5e-6)
    assert mt.solar_longitude(dt) == pytest.approx(327.32416, abs=5e-6)
    assert mt.equation_of_time(dt) / 15 == pytest.approx(-0.85170, abs=5e-6)
    assert mt.coordinated_mars_time(dt) == pytest.approx(13.16537, abs=5e-6)
    lmst = mt.local_mean_solar_time(dt, -184.702)
    assert lmst == pytest.approx(0.85190, abs=5e-6)
    assert mt.local_true_solar_time(dt, -184.702) == pytest.approx(lmst + mt.equation_of_time(dt) / 15)
    assert mt.local_true_solar_time(dt, -184.702) == pytest.approx(0.00025, abs=1e-4)


def test_landing_lmst_at_jezero_matches_the_pds_labels() -> None:
    # LCAM first and last frames, START_TIME and LOCAL_MEAN_SOLAR_TIME of the PDS labels
    # (urn:nasa:pds:mars2020_edlcam_ops_calibrated, as tabulated in michaelschleiss/mars2020-viewer
    # docs/LCAM_SEQUENCE.md): 20:41:04.45 UTC = 15:50 LMST, 20:44:11.25 UTC = 15:53 LMST, sol 0.
    first = datetime(2021, 2, 18, 20, 41, 4, 447849, tzinfo=UTC)
    last = datetime(2021, 2, 18, 20, 44, 11, 249523, tzinfo=UTC)
    assert mt.format_hours(mt.mars_time(first).lmst, seconds=False) == "15:50"
    assert mt.format_hours(mt.mars_time(last).lmst, seconds=False) == "15:53"
    assert mt.mars_time(last, landing=last).sol == 0


def test_sols_count_from_the_landing_sol() -> None:
    landing = datetime(2021, 2, 18, 20, 44, tzinfo=UTC)
    start1 = mt.sol_start_utc(1, landing)
    start2 = mt.sol_start_utc(2, landing)
    # a sol is 88775.244 s long
    assert (start2 - start1).total_seconds() == pytest.approx(88775.244, abs=0.01)
    assert mt.mission_sol(start1 - timedelta(seconds=1), landing) == 0
    assert mt.mission_sol(start1 + timedelta(seconds=1), landing) == 1
    assert mt.mission_sol(start1 + (start2 - start1) / 2, landing) == 1
    assert mt.mission_sol(datetime(2021, 2, 18, 12, tzinfo=UTC), landing) == 0
    assert mt.mission_sol(datetime(2021, 2, 17, 12, tzinfo=UTC), landing) == -1
    # the 20 Feb 2021 products (wind audio, Navcam panorama) carry "_0002_" (sol 2) in NASA's file names
    assert mt.mission_sol(datetime(2021, 2, 20, 12, tzinfo=UTC), landing) == 2
    lmst = mt.mars_time(start2).lmst
    assert min(lmst, 24 - lmst) < 1e-3 / 3600  # local midnight, within a millisecond
    assert mt.utc_of_msd(mt.mars_sol_date(mt.days_since_j2000(landing))) == pytest.approx(
        landing, abs=timedelta(milliseconds=1)
    )


def test_leap_seconds() -> None:
    assert mt.tai_minus_utc(datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)) == 36
    assert mt.tai_minus_utc(datetime(2017, 1, 1, tzinfo=UTC)) == 37
    assert mt.tt_minus_utc(datetime(2021, 2, 18, tzinfo=UTC)) == pytest.approx(69.184)
    with pytest.raises(ValueError, match="before 1972"):
        mt.tai_minus_utc(datetime(1969, 7, 20, tzinfo=UTC))
    with pytest.raises(ValueError, match="naive"):
        mt.julian_date_ut(datetime(2021, 2, 18))
