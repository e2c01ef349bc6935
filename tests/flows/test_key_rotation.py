"""Keys are replaced only on purpose: a key the state remembers is never recreated silently,
and a rotation keeps the old key aside, records both fingerprints and the reason, and makes
the products built with the key out of date."""

from __future__ import annotations

import stat

import pytest

from flows.errors import BuildError
from flows.files.keys import key_fingerprint, load_key, load_or_create_key
from flows.services.key_rotation import rotate
from flows.services.key_use import rekeyed
from flows.settings import Paths
from governance.audit import AuditLog
from governance.key_rotations import KeyRotations
from governance.state import State


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(tmp_path / "domain", tmp_path / "published")


def _created(paths: Paths, key_id: str = "default") -> bytes:
    """A key made on first use and recorded, as a build does."""
    key, created = load_or_create_key(paths.keys, key_id)
    assert created
    State(paths.state).record_key(key_id, key_fingerprint(key))
    return key


def test_a_deleted_key_the_state_knows_is_an_error_not_a_new_key(paths):
    _created(paths)
    (paths.keys / "default.key").unlink()
    with pytest.raises(BuildError) as refused:
        load_or_create_key(paths.keys, "default")
    message = str(refused.value)
    assert "is gone" in message and "every pseudonym" in message
    assert 'sluice keys rotate default --reason "..."' in message and "backup" in message
    assert not (paths.keys / "default.key").exists()
    with pytest.raises(BuildError, match="restore it from backup"):
        load_key(paths.keys, "default")


def test_a_key_the_state_never_knew_is_created_on_first_use(paths):
    _created(paths, "default")
    key, created = load_or_create_key(paths.keys, "other")
    assert created and len(key) == 32


def test_rotation_keeps_the_old_key_aside_and_records_why(paths):
    old = _created(paths)
    done = rotate(paths, "default", "key copied to a laptop")
    new = (paths.keys / "default.key").read_text()
    assert done.old_fingerprint == key_fingerprint(old) != done.new_fingerprint
    assert done.retired is not None and done.retired.read_text() == old.hex()
    assert stat.S_IMODE(done.retired.stat().st_mode) == 0o600
    assert key_fingerprint(bytes.fromhex(new)) == done.new_fingerprint
    assert State(paths.state).rows("keys")[0]["fingerprint"] == done.new_fingerprint
    assert KeyRotations(paths.state).current() == {"default": done.new_fingerprint}
    audited = AuditLog(paths.state).records(action="key_create", subject="default")[-1]
    assert audited.counts["rotation"] is True
    assert audited.counts["old_fingerprint"] == done.old_fingerprint
    assert "key copied to a laptop" in (audited.detail or "")
    assert old.hex() not in str(audited) and new not in str(audited)


def test_a_second_rotation_keeps_both_old_keys(paths):
    _created(paths)
    first = rotate(paths, "default", "one")
    second = rotate(paths, "default", "two")
    assert first.retired != second.retired and first.retired.exists() and second.retired.exists()
    assert KeyRotations(paths.state).current() == {"default": second.new_fingerprint}


def test_a_key_whose_file_is_gone_can_be_rotated_on_purpose(paths):
    _created(paths)
    (paths.keys / "default.key").unlink()
    done = rotate(paths, "default", "lost in a disk failure, no backup")
    assert done.old_fingerprint is None and done.retired is None
    key, created = load_or_create_key(paths.keys, "default")
    assert not created and key_fingerprint(key) == done.new_fingerprint


@pytest.mark.parametrize(
    ("key_id", "reason", "message"),
    [
        ("nokey", "why", "has no key 'nokey'"),
        ("../default", "why", "not a key id"),
        ("default", "  ", "--reason"),
    ],
)
def test_rotation_refuses_what_it_cannot_do(paths, key_id, reason, message):
    _created(paths)
    before = sorted(p.name for p in paths.keys.iterdir())
    with pytest.raises(BuildError, match=message):
        rotate(paths, key_id, reason)
    assert sorted(p.name for p in paths.keys.iterdir()) == before


def test_only_products_using_a_rotated_key_change_fingerprint():
    assert rekeyed("f", {"default"}, {}) == "f"
    assert rekeyed("f", {"default"}, {"other": "aa"}) == "f"
    assert rekeyed("f", {"default"}, {"default": "aa"}) != "f"
    assert rekeyed("f", {"default"}, {"default": "aa"}) != rekeyed(
        "f", {"default"}, {"default": "bb"}
    )


def test_answering_with_a_key_rotated_since_the_build_is_refused(paths):
    built_with = key_fingerprint(_created(paths, "verification-ids"))
    assert load_key(paths.keys, "verification-ids", built_with=built_with)
    rotate(paths, "verification-ids", "scheduled")
    with pytest.raises(BuildError, match="rotated since, so rebuild the product"):
        load_key(paths.keys, "verification-ids", built_with=built_with)
