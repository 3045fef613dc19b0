"""A district of demo madrasah for `seed_demo --madrasah N`: who the madrasah after the first are and
which pengawas oversees which of them.

Madrasah 1 is always the documented demo (`DEMO_MADRASAH`); the others are private MTs of the same
regency, numbered 2, 3, … Their NSM and NPSN are a function of that number alone, so `--reset` finds
every demo madrasah an earlier run made, whatever its `--madrasah` and `--seed` were.
"""

from __future__ import annotations

import itertools
import random

from .demo_people import DEMO_MADRASAH
from .models import MadrasahStatus, PaperSize

# One regency's Kemenag office oversees tens to a few hundred MTs. 300 madrasah of 40 teachers are
# 12,000 people, well within the distinct names the generator can give (about 10,000 of each sex).
MAX_MADRASAH = 300

# A pengawas of the demo oversees 10 to 15 madrasah, above the seven MTs the rule asks as a minimum
# (docs/domain.md §3, "People and roles").
PENGAWAS_MIN, PENGAWAS_MAX = 10, 15

# fmt: off
FOUNDATIONS = [
    "Nurul Huda", "Miftahul Ulum", "Darul Ulum", "Al-Amien", "Nurul Jadid", "Mambaul Ulum", "Al-Falah",
    "Raudlatul Ulum", "Bustanul Ulum", "Al-Hikmah", "Nurul Iman", "Darussalam", "Al-Ma'arif",
    "Sabilul Muttaqin", "Tarbiyatul Akhlaq", "Hidayatul Mubtadiin", "Nurul Islam", "Az-Zubair",
]
DISTRICTS = [
    "Pamekasan", "Proppo", "Palengaan", "Pegantenan", "Kadur", "Pakong", "Waru", "Batumarmar", "Pasean",
    "Galis", "Larangan", "Tlanakan", "Pademawu",
]
# fmt: on


def demo_nsm(number: int) -> str:
    """The NSM of demo madrasah `number` (1-based): private MTs of Pamekasan, serials from 9002 up,
    far above the serials the regency has handed out."""
    return DEMO_MADRASAH["nsm"] if number == 1 else f"12123528{9000 + number:04d}"


def demo_nsms(count: int = MAX_MADRASAH) -> list[str]:
    return [demo_nsm(number) for number in range(1, count + 1)]


def demo_npsn(number: int) -> str:
    return DEMO_MADRASAH["npsn"] if number == 1 else f"6999{number:04d}"


def _names() -> list[tuple[str, str]]:
    """(foundation, district) pairs in a fixed order that spreads the madrasah over the regency."""
    pairs = list(itertools.product(FOUNDATIONS, DISTRICTS))
    random.Random("district").shuffle(pairs)  # nosec B311 # fixed order, not a secret
    return pairs


NAMES = _names()


def madrasah_fields(number: int) -> dict:
    """The letterhead data of demo madrasah `number`."""
    if number == 1:
        return dict(DEMO_MADRASAH)
    foundation, district = NAMES[(number - 2) % len(NAMES)]
    round_ = (number - 2) // len(NAMES)
    name = f"MTs {foundation} {district}" + (f" {round_ + 1}" if round_ else "")
    return {
        "name": name,
        "nsm": demo_nsm(number),
        "npsn": demo_npsn(number),
        "status": MadrasahStatus.SWASTA,
        "foundation_name": f"Yayasan {foundation} {district}",
        "address": f"Kecamatan {district}, Kabupaten Pamekasan, Madura, Jawa Timur",
        "city": "Pamekasan",
        "phone": "(0324) 000000",
        "email": f"mts{number}@example.org",
        "district_office": DEMO_MADRASAH["district_office"],
        "paper_size": PaperSize.F4,
        "unit_code": f"Mts.13.28.{number + 100}",
    }


def pengawas_groups(count: int) -> list[range]:
    """The madrasah numbers (1-based) each pengawas oversees: consecutive runs of 10 to 15, as even as
    possible. Fewer than 10 madrasah: one pengawas oversees them all; 16 to 19 cannot be split into
    runs of at least 10, so two pengawas share them (8 to 10 each) rather than one overseeing 16+."""
    groups = max(1, -(-count // PENGAWAS_MAX))
    size, extra = divmod(count, groups)
    runs, start = [], 1
    for index in range(groups):
        length = size + (1 if index < extra else 0)
        runs.append(range(start, start + length))
        start += length
    return runs


def madrasah_seed(seed: int, number: int) -> int | str:
    """The seed of madrasah `number`'s random choices: the command's own for madrasah 1 (so it is the
    same demo whatever `--madrasah`), a derived one for the others."""
    return seed if number == 1 else f"{seed}-{number}"
