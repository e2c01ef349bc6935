"""Region model: one province's platform (Zhejiang) with real county-level codes.

Residence districts come from a small embedded table with skewed population weights, so that the
anonymisation stages meet both big and small groups. Birthplace codes inside resident IDs are mostly
local, with a share of real county codes from elsewhere in China (internal migrants).
"""

from __future__ import annotations

import numpy as np

# code, name, relative population weight (roughly census-shaped, a few deliberately small)
DISTRICTS: tuple[tuple[int, str, float], ...] = (
    (330102, "上城区", 132.0),
    (330105, "拱墅区", 112.0),
    (330106, "西湖区", 114.0),
    (330108, "滨江区", 50.0),
    (330109, "萧山区", 201.0),
    (330110, "余杭区", 123.0),
    (330111, "富阳区", 83.0),
    (330112, "临安区", 64.0),
    (330113, "临平区", 117.0),
    (330114, "钱塘区", 77.0),
    (330122, "桐庐县", 12.0),
    (330127, "淳安县", 5.0),
    (330182, "建德市", 8.0),
    (330203, "海曙区", 100.0),
    (330205, "江北区", 14.0),
    (330206, "北仑区", 82.0),
    (330211, "镇海区", 54.0),
    (330212, "鄞州区", 161.0),
    (330213, "奉化区", 58.0),
    (330281, "余姚市", 125.0),
    (330282, "慈溪市", 183.0),
    (330302, "鹿城区", 129.0),
    (330303, "龙湾区", 30.0),
    (330304, "瓯海区", 96.0),
    (330602, "越城区", 100.0),
    (330603, "柯桥区", 110.0),
    (330604, "上虞区", 78.0),
)

# city prefix (first 4 digits) -> (city name, landline area code, plate letter)
CITIES: dict[int, tuple[str, str, str]] = {
    3301: ("杭州市", "0571", "A"),
    3302: ("宁波市", "0574", "B"),
    3303: ("温州市", "0577", "C"),
    3306: ("绍兴市", "0575", "D"),
}

# real county-level codes from other provinces (birthplaces of people who moved to Zhejiang)
OTHER_COUNTIES: tuple[int, ...] = (
    110105, 110108, 310104, 310115, 440106, 440304, 510107, 420111, 410105, 370102,
    320106, 320583, 340104, 340111, 360102, 430104, 500103, 610113, 130102, 210102,
    220102, 230102, 350102, 350203, 450102, 520102, 530102, 620102, 640104, 650102,
    411302, 341202, 362502, 522401, 513901, 431102,
)  # fmt: skip

LOCAL_BIRTH_SHARE = 0.8

CODES = np.array([d[0] for d in DISTRICTS], dtype=np.int64)
_W = np.array([d[2] for d in DISTRICTS])
WEIGHTS = _W / _W.sum()


def city_of(codes: np.ndarray) -> np.ndarray:
    """City-level code (first 4 digits + '00') of district codes."""
    return (codes // 100) * 100


def province_of(codes: np.ndarray) -> np.ndarray:
    """Province-level code (first 2 digits + '0000') of district codes."""
    return (codes // 10000) * 10000


def sample_districts(rng: np.random.Generator, n: int) -> np.ndarray:
    """Residence district codes drawn by population weight."""
    return CODES[rng.choice(len(CODES), size=n, p=WEIGHTS)]


def sample_birthplaces(
    rng: np.random.Generator, residence: np.ndarray, stay_share: float = 0.7
) -> np.ndarray:
    """Birthplace codes for ID numbers: mostly local (often the residence), some elsewhere."""
    n = len(residence)
    out = sample_districts(rng, n)
    u = rng.random(n)
    out = np.where(u < stay_share * LOCAL_BIRTH_SHARE, residence, out)
    other = np.array(OTHER_COUNTIES, dtype=np.int64)[rng.integers(0, len(OTHER_COUNTIES), n)]
    return np.where(u >= LOCAL_BIRTH_SHARE, other, out)


def district_short_names() -> list[str]:
    """District names without the 区/县/市 suffix, unique; used as company-name prefixes."""
    return [name[:-1] for _, name, _ in DISTRICTS]


def district_index(codes: np.ndarray) -> np.ndarray:
    """Row of each Zhejiang district code in DISTRICTS (codes must be in the table)."""
    order = np.argsort(CODES)
    return order[np.searchsorted(CODES[order], codes)]


def city_index(codes: np.ndarray) -> np.ndarray:
    """Row of each district's city in CITY_PREFIXES / CITY_NAMES / AREA_CODES / CITY_LETTERS."""
    return np.searchsorted(np.array(CITY_PREFIXES), np.asarray(codes) // 100)


CITY_PREFIXES = sorted(CITIES)
CITY_NAMES = [CITIES[p][0] for p in CITY_PREFIXES]
AREA_CODES = [CITIES[p][1] for p in CITY_PREFIXES]
CITY_LETTERS = "".join(CITIES[p][2] for p in CITY_PREFIXES)
DISTRICT_NAMES = [d[1] for d in DISTRICTS]
