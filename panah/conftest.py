"""Shared test fixtures: two organisations × every role (personas), and helpers.

`personas["a"]["operator"]` is the operator of organisation A, and so on. Organisation B is the
"other organisation" whose users must never see A's records.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from panah.accounts.selectors import Actor, actor_for
from panah.core.access import Role
from panah.testing.factories import MembershipFactory, OrganisationFactory, PlaceFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to reach a host other than this machine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "localhost", "::1"}
            and not host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach the network: {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _forget_webhook_channels() -> Any:
    """Each test starts with no webhook channel remembered from another test's rolled-back rows."""
    from panah.channels.selectors import forget_webhook_channels

    forget_webhook_channels()
    yield
    forget_webhook_channels()


@pytest.fixture
def personas(db: Any) -> dict[str, dict[str, Any]]:
    """Users of organisations A and B, one per role."""
    orgs = {"a": OrganisationFactory(name="Org A"), "b": OrganisationFactory(name="Org B")}
    result: dict[str, dict[str, Any]] = {}
    for key, org in orgs.items():
        result[key] = {"org": org}
        for role in Role.values:
            membership = MembershipFactory(
                organisation=org, role=role, user__username=f"{key}_{role}"
            )
            result[key][role] = membership.user
    return result


@pytest.fixture
def actor_of() -> Any:
    """Return the Actor of a user (fresh, not cached)."""

    def make(user: Any) -> Actor:
        if hasattr(user, "_panah_actor"):
            delattr(user, "_panah_actor")
        return actor_for(user)

    return make


@pytest.fixture
def brewery(db: Any) -> Any:
    return PlaceFactory()


@pytest.fixture(scope="session", name="django_db_modify_db_settings")
def _sqlite_test_database_on_disk(
    django_db_modify_db_settings_parallel_suffix: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Keep the SQLite test database in a file, so tests can read its raw bytes (DP-1).

    (Named with a leading underscore so `from panah.conftest import *` in tests/ skips it.)
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture
def key_file(settings: Any, tmp_path: Any) -> Any:
    """Give the test a key file of its own (one fresh key), loaded instead of the suite's."""
    from panah.core import crypto

    path = tmp_path / "keys.json"
    crypto.write_key_document(path, crypto.new_key_document())
    settings.PANAH_KEYS = ""
    settings.PANAH_KEY_FILE = path
    settings.PANAH_GENERATE_DEV_KEYS = False
    crypto.reset_keyring()
    yield path
    crypto.reset_keyring()
