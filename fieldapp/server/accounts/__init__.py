"""Accounts, devices and scope, one module per concern; this package re-exports them.

- :mod:`.secret` — the server secret (outside the database) that keys code digests
- :mod:`.codes` — one-time enrolment codes: issue, check, exchange for a token
- :mod:`.tokens` — device tokens: authenticate, record last use, revoke
- :mod:`.scope` — who may see what: principals, villages in scope, review/officer checks
- :mod:`.admin` — wards, villages, teams and members: create, move, list in scope

Callers keep writing ``accounts.authenticate(...)``; new code may import the submodule.
"""

from __future__ import annotations

from fieldapp.server.accounts.admin import (
    create_member,
    create_team,
    create_village,
    ensure_ward,
    invalid_field,
    json_dumps,
    list_devices,
    list_members,
    list_teams,
    list_villages,
    move_member,
)
from fieldapp.server.accounts.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_TTL,
    code_digest,
    code_is_live,
    enrol,
    format_code,
    issue_code,
    live_code,
    new_code,
    normalize_code,
)
from fieldapp.server.accounts.scope import (
    member_out,
    member_visible,
    principal_for,
    require_officer,
    require_review,
    team_members,
    team_out,
    village_out,
)
from fieldapp.server.accounts.secret import (
    MIN_SECRET_CHARS,
    SECRET_ENV,
    database_file,
    hash_secret,
    secret_file,
    server_secret,
)
from fieldapp.server.accounts.tokens import (
    TOKEN_TOUCH_INTERVAL,
    TokenTouches,
    TokenUse,
    authenticate,
    revoke_device,
    touch_token,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CODE_TTL",
    "MIN_SECRET_CHARS",
    "SECRET_ENV",
    "TOKEN_TOUCH_INTERVAL",
    "TokenTouches",
    "TokenUse",
    "authenticate",
    "code_digest",
    "code_is_live",
    "create_member",
    "create_team",
    "create_village",
    "database_file",
    "enrol",
    "ensure_ward",
    "format_code",
    "hash_secret",
    "invalid_field",
    "issue_code",
    "json_dumps",
    "list_devices",
    "list_members",
    "list_teams",
    "list_villages",
    "live_code",
    "member_out",
    "member_visible",
    "move_member",
    "new_code",
    "normalize_code",
    "principal_for",
    "require_officer",
    "require_review",
    "revoke_device",
    "secret_file",
    "server_secret",
    "team_members",
    "team_out",
    "touch_token",
    "village_out",
]
