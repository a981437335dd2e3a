"""Matching the village and team names people type to the ward's own records.

Lists write one village many ways: "TDP 3", "Tổ dân phố số 3", "tổ 03", "TDP3", "Thôn 3".
A name is reduced to (kind, rest): the kind word (thôn / tổ dân phố …) is set aside and a
number is read as a number, so all of those meet at ``3``. When a ward has both a "Thôn 3"
and a "Tổ dân phố 3", the kind word decides; when it cannot, the row says so.

>>> place_key("Tổ dân phố số 03"), place_key("TDP3"), place_key("Thôn Trung Sơn")
(('tdp', '3'), ('tdp', '3'), ('thon', 'trung son'))
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from fieldapp.domain.model import Team, Village
from fieldapp.server.imports.fields import header_key

__all__ = ["PlaceIndex", "place_key", "team_key"]

# Kind words (header_key form) and the kind they stand for, longest first.
_KINDS = (
    ("to dan pho", "tdp"),
    ("khu pho", "tdp"),
    ("khu dan cu", "thon"),
    ("tdp", "tdp"),
    ("kp", "tdp"),
    ("thon", "thon"),
    ("xom", "thon"),
    ("ban", "thon"),
    ("ap", "thon"),
    ("lang", "thon"),
    ("to", "tdp"),
)
_KIND_RE = re.compile(r"^(" + "|".join(k for k, _ in _KINDS) + r")(?:\s+so)?(?:\s+|(?=\d)|$)")
_NUMBER = re.compile(r"^0*(\d+)$")
_TEAM_PREFIX = re.compile(r"^(to cong nghe so cong dong|to cong nghe so|to cnscd|cnscd|to)\s*")


def _rest(text: str) -> str:
    number = _NUMBER.match(text)
    return number.group(1) if number else text


def place_key(text: str) -> tuple[str | None, str]:
    """(kind or None, the rest of the name with numbers read as numbers)."""
    key = header_key(text)
    found = _KIND_RE.match(key)
    if not found or found.end() == len(key):
        return None, _rest(key)
    kind = dict(_KINDS)[found.group(1)]
    return kind, _rest(key[found.end() :].strip())


def team_key(text: str) -> str:
    """A team name without its "Tổ CNSCĐ" prefix: "Tổ CNSCĐ số 1" and "tổ 01" meet at ``1``."""
    key = header_key(text)
    rest = _TEAM_PREFIX.sub("", key, count=1).strip()
    rest = re.sub(r"^so\s+", "", rest)
    return _rest(rest or key)


def _village_kind(village: Village) -> str | None:
    kind, _ = place_key(f"{village.kind} 1")
    return kind


class PlaceIndex:
    """The ward's villages and teams, looked up by whatever a list writes for them."""

    def __init__(self, villages: Iterable[Village], teams: Iterable[Team] = ()):
        self.villages = {v.id: v for v in villages}
        self.teams = {t.id: t for t in teams}
        self._by_key: dict[str, list[Village]] = defaultdict(list)
        for v in self.villages.values():
            self._by_key[place_key(v.name)[1]].append(v)
        self._teams_by_key: dict[str, list[Team]] = defaultdict(list)
        for t in self.teams.values():
            self._teams_by_key[team_key(t.name)].append(t)
            self._teams_by_key[header_key(t.name)].append(t)
        self._cache: dict[str, tuple[str | None, list[str]]] = {}

    def village(self, text: str) -> tuple[str | None, list[str]]:
        """(village id, []) when ``text`` names one village; (None, candidate names)
        otherwise — no candidates: unknown, several: ambiguous."""
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self._village(text)
        return cached

    def _village(self, text: str) -> tuple[str | None, list[str]]:
        if text in self.villages:
            return text, []
        kind, rest = place_key(text)
        found = self._by_key.get(rest, [])
        if len(found) > 1 and kind is not None:
            same_kind = [v for v in found if _village_kind(v) == kind]
            found = same_kind or found
        if len(found) == 1:
            return found[0].id, []
        return None, sorted(v.name for v in found)

    def team(self, text: str) -> tuple[str | None, list[str]]:
        """Like :meth:`village` for teams: by id, by name, or by a village only one team
        covers ("TDP 3" for the team of TDP 3)."""
        if text in self.teams:
            return text, []
        found = {t.id: t for t in self._teams_by_key.get(header_key(text), [])}
        if not found:
            found = {t.id: t for t in self._teams_by_key.get(team_key(text), [])}
        if not found:
            village, _ = self.village(text)
            if village is not None:
                found = {t.id: t for t in self.teams.values() if village in t.village_ids}
        if len(found) == 1:
            return next(iter(found)), []
        return None, sorted(t.name for t in found.values())
