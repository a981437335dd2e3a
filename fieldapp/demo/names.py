"""Plausible Vietnamese full names for synthetic demo people (never real persons).

Family names are weighted roughly by how common they are, with the names frequent in
Hà Tĩnh (Nguyễn, Trần, Lê, Phan, Võ, Hồ, Đặng) given their due.

>>> import random
>>> name = full_name(random.Random(1))
>>> len(name.split()) >= 3
True
"""

from __future__ import annotations

import random

__all__ = ["full_name"]

FAMILY: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 34), ("Trần", 11), ("Lê", 10), ("Phan", 7), ("Võ", 6), ("Phạm", 5),
    ("Hoàng", 4), ("Hồ", 4), ("Đặng", 3), ("Bùi", 2), ("Đỗ", 2), ("Vũ", 2), ("Ngô", 2),
    ("Dương", 2), ("Đinh", 1), ("Đào", 1), ("Thái", 1), ("Hà", 1), ("Mai", 1), ("Lưu", 1),
)  # fmt: skip
MIDDLE_MALE: tuple[tuple[str, int], ...] = (
    ("Văn", 40), ("Đức", 10), ("Hữu", 8), ("Đình", 8), ("Quang", 7), ("Minh", 7),
    ("Xuân", 6), ("Công", 5), ("Thanh", 5), ("Ngọc", 4),
)  # fmt: skip
MIDDLE_FEMALE: tuple[tuple[str, int], ...] = (
    ("Thị", 60), ("Thu", 7), ("Ngọc", 7), ("Thanh", 6), ("Minh", 5), ("Hoài", 4),
    ("Phương", 4), ("Kim", 4), ("Hồng", 3),
)  # fmt: skip
GIVEN_MALE: tuple[str, ...] = (
    "An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
    "Khánh", "Lâm", "Long", "Lực", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quý",
    "Sơn", "Tâm", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
)  # fmt: skip
GIVEN_FEMALE: tuple[str, ...] = (
    "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Huyền",
    "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh",
    "Phương", "Quyên", "Sen", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Yến",
)  # fmt: skip


def _weighted(rng: random.Random, pool: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([n for n, _ in pool], weights=[w for _, w in pool])[0]


def full_name(rng: random.Random, *, female: bool | None = None) -> str:
    """A synthetic family + middle + given name; ``female`` picks the middle/given pools."""
    if female is None:
        female = rng.random() < 0.5
    middle = _weighted(rng, MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{_weighted(rng, FAMILY)} {middle} {given}"
