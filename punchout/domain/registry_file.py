"""Changes to the buyer registry file that keep its comments and layout (tomlkit).

Every change reads the file, edits the one buyer's table, validates the whole result as the
connector would load it, and replaces the file atomically (a temporary file in the same
folder, fsync, rename). A change that would not validate leaves the file untouched.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from punchout.domain.buyers import BuyerRegistry, RegistryError
from punchout.domain.registry_keys import BadSetting, return_host

HEADER = """\
# Buyer registry of the punch-out connector, written by `punchout buyers`.
# See config/buyers.example.toml (shipped with the connector) for every key, commented.
"""


class RegistryChangeError(ValueError):
    """The change cannot be made; the text says why in one line."""


def _load(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.parse(HEADER)
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except Exception as exc:  # tomlkit raises several kinds of parse errors
        raise RegistryChangeError(f"{path} is not valid TOML: {exc}") from None


def _write(path: Path, document: tomlkit.TOMLDocument) -> None:
    text = tomlkit.dumps(document)
    try:
        BuyerRegistry.from_dict(tomllib.loads(text), path)
    except RegistryError as exc:
        raise RegistryChangeError("; ".join(exc.problems)) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".buyers-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _change(path: Path, buyer_id: str, edit: Callable[[Table], None]) -> None:
    document = _load(path)
    buyers = document.get("buyers")
    if buyers is None or buyer_id not in buyers:
        raise RegistryChangeError(f"there is no buyer {buyer_id!r} in {path}")
    edit(buyers[buyer_id])
    _write(path, document)


def add_buyer(
    path: Path,
    buyer_id: str,
    *,
    name: str,
    protocols: Sequence[str],
    storefront_id: int,
    user_policy: str,
    price_book: str,
    return_hosts: Sequence[str],
    credentials: Sequence[tuple[str, str]],
    secret_hash: str,
    oci_username: str = "",
    oci_secret_hash: str = "",
    extra: dict[str, Any] | None = None,
    profile: str = "",
) -> None:
    """Add a buyer's table (refused if the id exists or the result does not validate).

    ``profile`` names the buyer's dialect profile, whose defaults the table starts from."""
    document = _load(path)
    if "buyers" not in document:
        document.add("buyers", tomlkit.table(is_super_table=True))
    buyers = document["buyers"]
    try:
        return_hosts = [return_host(host) for host in return_hosts]
    except BadSetting as exc:
        raise RegistryChangeError(str(exc)) from None
    if buyer_id in buyers:
        raise RegistryChangeError(f"a buyer {buyer_id!r} exists already in {path}")
    table = tomlkit.table()
    table.add(tomlkit.comment(f"Added {datetime.now().astimezone():%Y-%m-%d %H:%M %z}"))
    table.add("name", name)
    if profile:
        table.add("profile", profile)
    table.add("enabled", True)
    table.add("protocols", list(protocols))
    table.add("storefront_id", storefront_id)
    table.add("user_policy", user_policy)
    table.add("price_book", price_book)
    table.add("return_hosts", list(return_hosts))
    for key, value in (extra or {}).items():
        table.add(key, value)
    if credentials:
        entries = AoT([])
        for domain, identity in credentials:
            entry = tomlkit.table()
            entry.add("domain", domain)
            entry.add("identity", identity)
            entries.append(entry)
        table.add("credentials", entries)
    if secret_hash:
        table.add("secrets", _secret_entries([(secret_hash, None)]))
    if oci_secret_hash:
        table.add("oci_secrets", _secret_entries([(oci_secret_hash, None)]))
    if oci_username:
        oci = tomlkit.table()
        oci.add("username", oci_username)
        table.add("oci", oci)
    buyers.add(buyer_id, table)
    _write(path, document)


def _secret_entries(secrets: Sequence[tuple[str, datetime | None]]) -> AoT:
    entries = AoT([])
    for stored, not_after in secrets:
        entry = tomlkit.table()
        entry.add("hash", stored)
        if not_after is not None:
            entry.add("not_after", not_after.isoformat(timespec="seconds"))
        entries.append(entry)
    return entries


def rotate_secret(
    path: Path, buyer_id: str, new_hash: str, old_until: datetime, *, kind: str = "cxml"
) -> None:
    """Add a new secret (``kind`` "cxml": the shared secret; "oci": the OCI password); the
    current ones of that kind keep working until ``old_until`` (the overlap)."""
    name = "oci_secrets" if kind == "oci" else "secrets"

    def edit(table: Table) -> None:
        kept: list[tuple[str, datetime | None]] = []
        for entry in table.get(name, []):
            not_after = entry.get("not_after")
            until = datetime.fromisoformat(str(not_after)) if not_after else None
            if until is not None and until.tzinfo is None:
                until = until.replace(tzinfo=old_until.tzinfo)
            if until is not None and until < datetime.now(old_until.tzinfo):
                continue  # expired: drop it
            kept.append((str(entry["hash"]), min(until, old_until) if until else old_until))
        table[name] = _secret_entries([*kept, (new_hash, None)])

    _change(path, buyer_id, edit)


def set_enabled(path: Path, buyer_id: str, enabled: bool) -> None:
    def edit(table: Table) -> None:
        table["enabled"] = enabled

    _change(path, buyer_id, edit)


def set_values(path: Path, buyer_id: str, changes: dict[str, Any]) -> None:
    """Set keys of the buyer's table (``oci.username`` and ``unit_map.C62`` reach into its
    sub-tables); a value of None removes the key so the profile's default applies again.
    All of them are written together or, when the result would not load, none."""

    def edit(table: Table) -> None:
        for key, value in changes.items():
            head, _, rest = key.partition(".")
            target: Any = table
            if rest:
                if head not in table:
                    if value is None:
                        continue
                    table.add(
                        head,
                        tomlkit.table() if head in ("oci", "documents") else tomlkit.inline_table(),
                    )
                target, key = table[head], rest
            if value is None:
                target.pop(key, None)
            elif key == "credentials":
                entries = AoT([])
                for pair in value:
                    entry = tomlkit.table()
                    entry.add("domain", pair["domain"])
                    entry.add("identity", pair["identity"])
                    entries.append(entry)
                target[key] = entries
            else:
                target[key] = value

    _change(path, buyer_id, edit)


def buyer_text(path: Path, buyer_id: str) -> str:
    """The buyer's table as TOML text, headed ``[buyers.ID]`` (what `buyers edit` opens)."""
    document = _load(path)
    buyers = document.get("buyers")
    if buyers is None or buyer_id not in buyers:
        raise RegistryChangeError(f"there is no buyer {buyer_id!r} in {path}")
    wrapper = tomlkit.document()
    outer = tomlkit.table(is_super_table=True)
    outer.add(buyer_id, buyers[buyer_id])
    wrapper.add("buyers", outer)
    return tomlkit.dumps(wrapper)


def replace_buyer(path: Path, buyer_id: str, text: str) -> None:
    """Replace the buyer's table by the one in ``text`` (as :func:`buyer_text` gave it),
    validated with the rest of the registry; the other buyers' tables are kept as they are."""
    try:
        edited = tomlkit.parse(text)
    except Exception as exc:  # tomlkit raises several kinds of parse errors
        raise RegistryChangeError(f"the edited text is not valid TOML: {exc}") from None
    tables = edited.get("buyers")
    if tables is None or list(tables) != [buyer_id]:
        raise RegistryChangeError(f"the text must hold exactly the table [buyers.{buyer_id}]")
    document = _load(path)
    buyers = document.get("buyers")
    if buyers is None or buyer_id not in buyers:
        raise RegistryChangeError(f"there is no buyer {buyer_id!r} in {path}")
    buyers[buyer_id] = tables[buyer_id]
    _write(path, document)


def remove_buyer(path: Path, buyer_id: str) -> None:
    """Take the buyer's table out of the registry (nothing happens when there is none)."""
    document = _load(path)
    buyers = document.get("buyers")
    if buyers is not None and buyer_id in buyers:
        buyers.remove(buyer_id)
        _write(path, document)
