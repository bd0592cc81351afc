"""Mars time from UTC: the Mars24 algorithm (no Qt).

The equations are those of NASA GISS, "Mars24 Sunclock: Algorithm and Worked Examples"
(https://www.giss.nasa.gov/tools/mars24/help/algorithm.html), the current revision of Allison & McEwen
(2000), "A post-Pathfinder evaluation of areocentric solar coordinates with improved timing recipes for
Mars seasonal/diurnal climate studies", Planet. Space Sci. 48, 215-235. Step names (A-2, B-1 ...) are the
page's. Longitudes here are degrees **east** (the page uses west longitude; LMST = MTC + east/15 h).

`tests/core/test_mars_time.py` checks every step against the page's worked examples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

JD_UNIX_EPOCH = 2440587.5  # 1970-01-01 00:00 UTC
JD_J2000 = 2451545.0  # 2000-01-01 12:00 TT
TT_MINUS_TAI = 32.184  # seconds
MARS_SOL_IN_DAYS = 1.0274912517  # Earth days per Mars solar day (C-2)

# Jezero crater, Perseverance's landing site ("Octavia E. Butler Landing"): 18.44 N, 77.45 E
# (https://en.wikipedia.org/wiki/Octavia_E._Butler_Landing, citing NASA). The PDS labels of the LCAM
# frames give 15:50 and 15:53 LMST at 20:41:04 and 20:44:11 UTC (see seeds/timeline.json), which this
# longitude reproduces to the minute (tested).
JEZERO_EAST_LONGITUDE = 77.45

# TAI - UTC from the IERS leap-second table (Bulletin C): (first UTC day it applies from, seconds).
# From 1972 on; before 1972 UTC was not an integer offset and this module refuses such dates.
_LEAP_SECONDS: tuple[tuple[datetime, int], ...] = tuple(
    (datetime(y, m, 1, tzinfo=UTC), s)
    for y, m, s in (
        (1972, 1, 10),
        (1972, 7, 11),
        (1973, 1, 12),
        (1974, 1, 13),
        (1975, 1, 14),
        (1976, 1, 15),
        (1977, 1, 16),
        (1978, 1, 17),
        (1979, 1, 18),
        (1980, 1, 19),
        (1981, 7, 20),
        (1982, 7, 21),
        (1983, 7, 22),
        (1985, 7, 23),
        (1988, 1, 24),
        (1990, 1, 25),
        (1991, 1, 26),
        (1992, 7, 27),
        (1993, 7, 28),
        (1994, 7, 29),
        (1996, 1, 30),
        (1997, 7, 31),
        (1999, 1, 32),
        (2006, 1, 33),
        (2009, 1, 34),
        (2012, 7, 35),
        (2015, 7, 36),
        (2017, 1, 37),
    )
)

# B-3: the perturbations by Jupiter, Earth and Venus (amplitude deg, period Julian years, phase deg).
_PERTURBERS = (
    (0.0071, 2.2353, 49.409),
    (0.0057, 2.7543, 168.173),
    (0.0039, 1.1177, 191.837),
    (0.0037, 15.7866, 21.736),
    (0.0021, 2.1354, 15.704),
    (0.0020, 2.4694, 95.528),
    (0.0018, 32.8493, 49.095),
)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()}: a naive datetime; give a UTC time (tzinfo=UTC)")
    return moment.astimezone(UTC)


def tai_minus_utc(moment: datetime) -> int:
    """Seconds TAI is ahead of UTC at `moment` (the leap-second table)."""
    moment = _utc(moment)
    if moment < _LEAP_SECONDS[0][0]:
        raise ValueError(f"{moment.isoformat()}: before 1972, UTC has no leap-second offset to TT")
    offset = _LEAP_SECONDS[0][1]
    for start, seconds in _LEAP_SECONDS:
        if moment >= start:
            offset = seconds
    return offset


def tt_minus_utc(moment: datetime) -> float:
    """A-4: seconds to add to UTC to get Terrestrial Time."""
    return tai_minus_utc(moment) + TT_MINUS_TAI


def julian_date_ut(moment: datetime) -> float:
    """A-2: Julian Date of a UTC time."""
    moment = _utc(moment)
    since_unix = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return JD_UNIX_EPOCH + since_unix / timedelta(days=1)


def julian_date_tt(moment: datetime) -> float:
    """A-5: Julian Date in Terrestrial Time."""
    return julian_date_ut(moment) + tt_minus_utc(moment) / 86400.0


def days_since_j2000(moment: datetime) -> float:
    """A-6: ΔtJ2000, days (TT) since 2000-01-01 12:00 TT."""
    return julian_date_tt(moment) - JD_J2000


def mean_anomaly(dt_j2000: float) -> float:
    """B-1: Mars mean anomaly M, degrees in [0, 360)."""
    return (19.3871 + 0.52402073 * dt_j2000) % 360.0


def fictitious_mean_sun(dt_j2000: float) -> float:
    """B-2: angle of the Fictitious Mean Sun αFMS, degrees in [0, 360)."""
    return (270.3871 + 0.524038496 * dt_j2000) % 360.0


def perturbers(dt_j2000: float) -> float:
    """B-3: PBS, the planetary perturbations of the orbit, degrees."""
    return sum(a * math.cos(math.radians(0.985626 * dt_j2000 / tau + phi)) for a, tau, phi in _PERTURBERS)


def equation_of_center(dt_j2000: float) -> float:
    """B-4: ν − M, true minus mean anomaly, degrees."""
    m = math.radians(mean_anomaly(dt_j2000))
    return (
        (10.691 + 3.0e-7 * dt_j2000) * math.sin(m)
        + 0.623 * math.sin(2 * m)
        + 0.050 * math.sin(3 * m)
        + 0.005 * math.sin(4 * m)
        + 0.0005 * math.sin(5 * m)
        + perturbers(dt_j2000)
    )


def solar_longitude(dt_j2000: float) -> float:
    """B-5: areocentric solar longitude Ls (the Mars season), degrees in [0, 360)."""
    return (fictitious_mean_sun(dt_j2000) + equation_of_center(dt_j2000)) % 360.0


def equation_of_time(dt_j2000: float) -> float:
    """C-1: EOT, true minus mean solar time, degrees (divide by 15 for hours)."""
    ls = math.radians(solar_longitude(dt_j2000))
    return 2.861 * math.sin(2 * ls) - 0.071 * math.sin(4 * ls) + 0.002 * math.sin(6 * ls) - equation_of_center(dt_j2000)


def mars_sol_date(dt_j2000: float) -> float:
    """C-2: MSD, the Mars Sol Date (sols since 29 Dec 1873, mean solar time at the prime meridian)."""
    return (dt_j2000 - 4.5) / MARS_SOL_IN_DAYS + 44796.0 - 0.0009626


def coordinated_mars_time(dt_j2000: float) -> float:
    """C-2: MTC, mean solar time at the prime meridian, hours in [0, 24)."""
    return (24.0 * mars_sol_date(dt_j2000)) % 24.0


def local_mean_solar_time(dt_j2000: float, east_longitude: float) -> float:
    """C-3: LMST at a longitude (degrees east), hours in [0, 24)."""
    return (coordinated_mars_time(dt_j2000) + east_longitude / 15.0) % 24.0


def local_true_solar_time(dt_j2000: float, east_longitude: float) -> float:
    """C-4: LTST (sundial time) at a longitude (degrees east), hours in [0, 24)."""
    return (local_mean_solar_time(dt_j2000, east_longitude) + equation_of_time(dt_j2000) / 15.0) % 24.0


def local_sol_date(dt_j2000: float, east_longitude: float) -> float:
    """Sols (with fraction) since the MSD epoch in the local mean time of `east_longitude`."""
    return mars_sol_date(dt_j2000) + east_longitude / 360.0


def format_hours(hours: float, *, seconds: bool = True) -> str:
    """'HH:MM:SS' (or 'HH:MM') of a time of day in hours; rounds down so 23:59:59.9 stays on its sol."""
    total = math.floor(round(hours * 3600.0, 6)) % 86400
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}" if seconds else f"{h:02d}:{m:02d}"


@dataclass(frozen=True)
class MarsTime:
    """Mars time of one UTC moment at one site."""

    utc: datetime
    east_longitude: float
    dt_j2000: float
    msd: float
    mtc: float
    ls: float
    eot_degrees: float
    lmst: float  # hours
    ltst: float  # hours
    sol: int | None  # mission sol, if a landing was given

    @property
    def lmst_text(self) -> str:
        return format_hours(self.lmst)

    @property
    def label(self) -> str:
        sol = "" if self.sol is None else f"Sol {self.sol} "
        return f"{sol}{self.lmst_text} LMST"


def mars_time(
    moment: datetime,
    east_longitude: float = JEZERO_EAST_LONGITUDE,
    *,
    landing: datetime | None = None,
) -> MarsTime:
    """Every Mars clock of `moment`; `sol` counts local sols from the one containing `landing` (sol 0)."""
    dt = days_since_j2000(moment)
    sol = None
    if landing is not None:
        sol = mission_sol(moment, landing, east_longitude)
    return MarsTime(
        utc=_utc(moment),
        east_longitude=east_longitude,
        dt_j2000=dt,
        msd=mars_sol_date(dt),
        mtc=coordinated_mars_time(dt),
        ls=solar_longitude(dt),
        eot_degrees=equation_of_time(dt),
        lmst=local_mean_solar_time(dt, east_longitude),
        ltst=local_true_solar_time(dt, east_longitude),
        sol=sol,
    )


def mission_sol(moment: datetime, landing: datetime, east_longitude: float = JEZERO_EAST_LONGITUDE) -> int:
    """Mission sol of `moment`: local (LMST) sols counted from the landing sol, which is sol 0.

    The convention of Perseverance (and Curiosity): the sol of landing is sol 0 and each local mean
    midnight at the site starts the next sol. Moments before the landing sol give negative numbers.
    """
    here = math.floor(local_sol_date(days_since_j2000(moment), east_longitude))
    start = math.floor(local_sol_date(days_since_j2000(landing), east_longitude))
    return int(here - start)


def utc_of_msd(msd: float) -> datetime:
    """The UTC moment of a Mars Sol Date (inverse of C-2 and A-6; used for sol boundaries on axes)."""
    dt = (msd - 44796.0 + 0.0009626) * MARS_SOL_IN_DAYS + 4.5
    jd_tt = dt + JD_J2000
    guess = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=jd_tt - JD_UNIX_EPOCH)
    # TT - UTC depends on the UTC moment; one refinement settles it (leap seconds are whole seconds).
    utc = guess - timedelta(seconds=tt_minus_utc(guess))
    return guess - timedelta(seconds=tt_minus_utc(utc))


def sol_start_utc(sol: int, landing: datetime, east_longitude: float = JEZERO_EAST_LONGITUDE) -> datetime:
    """UTC of local mean midnight that begins mission sol `sol`."""
    start = math.floor(local_sol_date(days_since_j2000(landing), east_longitude)) + sol
    return utc_of_msd(start - east_longitude / 360.0)
