"""Pseudonymisation keys: created once with mode 0600, reused, refused when exposed."""

from __future__ import annotations

import stat

import pytest

from flows.errors import BuildError
from flows.files.keys import key_fingerprint, load_or_create_key


def test_key_is_created_private_and_then_reused(tmp_path):
    key, created = load_or_create_key(tmp_path / "keys", "default")
    again, created_again = load_or_create_key(tmp_path / "keys", "default")
    assert created and not created_again and key == again and len(key) == 32
    path = tmp_path / "keys" / "default.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_fingerprint(key) not in path.read_text()


def test_exposed_key_is_refused(tmp_path):
    load_or_create_key(tmp_path, "k")
    (tmp_path / "k.key").chmod(0o644)
    with pytest.raises(BuildError, match="chmod 600"):
        load_or_create_key(tmp_path, "k")
