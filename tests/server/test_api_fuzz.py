"""Property-based fuzzing of the whole API from its OpenAPI spec (schemathesis).

Bounded: a few examples per operation, the whole file well under 90 s. Asserts no
5xx, documented status codes, JSON bodies that match the documented schemas.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock

import pytest
import schemathesis
from fieldapp_harness import World
from hypothesis import HealthCheck, settings
from pg_support import SECRET, create_database, postgres_wanted
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

# The same API over PostgreSQL (tests/conftest.py: never skipped, only switched off by hand).
_pg_secret = {"FIELDAPP_SECRET": SECRET}
if postgres_wanted():
    with mock.patch.dict(os.environ, _pg_secret):
        _pg_world = World(Path(tempfile.mkdtemp(prefix="fieldapp-fuzz-pg-")), create_database())
        _pg_officer = _pg_world.device("officer")
        _pg_member = _pg_world.device("a1")
    pg_schema = schemathesis.openapi.from_asgi("/openapi.json", _pg_world.app)
else:
    pg_schema = schema  # its tests are deselected


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


@pytest.fixture
def pg_secret(monkeypatch):
    for k, v in _pg_secret.items():
        monkeypatch.setenv(k, v)


@pytest.mark.postgres
@pg_schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_as_officer_postgres(case, pg_secret):
    case.call_and_validate(headers=_headers(_pg_officer), checks=CHECKS)


@pytest.mark.postgres
@pg_schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_as_member_postgres(case, pg_secret):
    case.call_and_validate(headers=_headers(_pg_member), checks=CHECKS)


@pytest.mark.postgres
@pg_schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_unauthenticated_postgres(case, pg_secret):
    case.call_and_validate(checks=CHECKS)
