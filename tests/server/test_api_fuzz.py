"""Property-based fuzzing of the whole API from its OpenAPI spec (schemathesis).

Bounded: a few examples per operation, the whole file well under 90 s. Asserts no
5xx, documented status codes, JSON bodies that match the documented schemas.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from fieldapp_harness import World
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fieldapp.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

_world = World(Path(tempfile.mkdtemp(prefix="fieldapp-fuzz-")))
_officer = _world.device("officer")
_member = _world.device("a1")
schema = schemathesis.openapi.from_asgi("/openapi.json", _world.app)


def _no_server_error(ctx, response, case) -> None:
    assert response.status_code < 500, f"{case.method} {case.path} → {response.status_code}"


CHECKS = [
    _no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _headers(store) -> dict[str, str]:
    return {
        PROTOCOL_HEADER: PROTOCOL_VERSION,
        "Authorization": f"Bearer {store.meta_get('device_token')}",
    }


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_as_officer(case):
    case.call_and_validate(headers=_headers(_officer), checks=CHECKS)


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_as_member(case):
    case.call_and_validate(headers=_headers(_member), checks=CHECKS)


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_unauthenticated(case):
    case.call_and_validate(checks=CHECKS)
