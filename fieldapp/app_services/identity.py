"""Who is enrolled on this device: member, role, team, villages and server.

Written by enrolment (:mod:`fieldapp.sync.enrol`) into the store's ``meta`` table and
reference tables; this module only reads it back for the screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.app_services.token_vault import TokenVault
from fieldapp.reference import ward_label
from fieldapp.store import DeviceStore, settings
from fieldapp.text import sort_key

__all__ = ["Identity", "load_identity"]


@dataclass(frozen=True)
class Identity:
    member_id: str
    member_name: str
    role: str
    team_id: str | None
    team_name: str
    village_names: tuple[str, ...]
    server_url: str
    # The wards of the villages this device sees ("phường Sông Trí"): an officer's scope.
    ward_names: tuple[str, ...] = ()

    @property
    def is_leader(self) -> bool:
        """Reviews coverage (leaders and commune officers)."""
        return self.role in ("leader", "officer")

    @property
    def is_officer(self) -> bool:
        return self.role == "officer"

    @property
    def can_invite(self) -> bool:
        """Invites go to the members of one's own team: a leader of a team only."""
        return self.role == "leader" and self.team_id is not None

    @property
    def needs_console(self) -> bool:
        """A reviewer without a team (a commune officer) sets villages, teams and leaders
        up on the server's web console, not in the app."""
        return self.is_leader and self.team_id is None

    @property
    def console_url(self) -> str:
        return f"{self.server_url.rstrip('/')}/console/" if self.server_url else ""


def load_identity(store: DeviceStore, vault: TokenVault | None = None) -> Identity | None:
    """The enrolled identity, or None when this device is not enrolled (no member, or no
    token in ``vault``; without a vault, in the store's meta). Blocking."""
    member_id = store.get(settings.MEMBER_ID)
    if not member_id:
        return None
    token = vault.get() if vault is not None else store.get(settings.DEVICE_TOKEN)
    if not token:
        return None
    name, role, team_id = store.member_info(member_id) or ("", "member", None)
    team_name = ""
    village_ids: list[str] = []
    if team_id:
        team_name, village_ids = store.team_info(team_id) or ("", [])
    villages = store.villages()  # in Vietnamese order, numbers read as numbers
    mine = [v.name for v in villages if v.id in village_ids]
    village_names = tuple(mine or [v.name for v in villages])
    wards = {v.ward_code for v in villages}
    ward_names = tuple(sorted((ward_label(code) or code for code in wards), key=sort_key))
    return Identity(
        member_id=member_id,
        member_name=name,
        role=role,
        team_id=team_id,
        team_name=team_name,
        village_names=village_names,
        server_url=store.get(settings.SERVER_URL) or "",
        ward_names=ward_names,
    )
