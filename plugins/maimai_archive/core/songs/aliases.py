"""Aliases: the LXNS list plus what users propose (applied once a superuser approves).

Aliases are keyed by a song's base id (its SD id; LXNS uses one id for both SD and DX), so
an alias finds both chart sets of a song.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tortoise.transactions import in_transaction

from ..errors import PageChanged
from .data import base_id
from .tables import Alias

LXNS = "lxns"
USER = "user"
MAX_ALIAS_LEN = 64


def parse_lxns_aliases(payload: Any) -> dict[int, set[str]]:
    """``{"aliases": [{"song_id": 834, "aliases": ["…"]}]}`` → base id → aliases."""
    try:
        items = payload["aliases"]
        result: dict[int, set[str]] = {}
        for item in items:
            names = {str(a).strip() for a in item["aliases"] if str(a).strip()}
            if names:
                result.setdefault(base_id(int(item["song_id"])), set()).update(names)
        return result
    except (KeyError, TypeError, ValueError) as exc:
        raise PageChanged("alias list", f"LXNS alias shape: {exc!r}") from exc


async def load_aliases() -> dict[int, set[str]]:
    """Approved aliases from every source, by base id."""
    result: dict[int, set[str]] = {}
    for song_id, alias in await Alias.filter(approved=True).values_list("song_id", "alias"):
        result.setdefault(song_id, set()).add(alias)
    return result


async def replace_lxns_aliases(aliases: dict[int, set[str]]) -> bool:
    """Store a fresh LXNS list in place of the old one; True when it differs."""
    old = {(s, a) for s, a in await Alias.filter(source=LXNS).values_list("song_id", "alias")}
    new = {(s, a[:128]) for s, names in aliases.items() for a in names}
    if old == new:
        return False
    users = {(s, a) for s, a in await Alias.filter(source=USER).values_list("song_id", "alias")}
    async with in_transaction():
        await Alias.filter(source=LXNS).delete()
        await Alias.bulk_create(
            [Alias(song_id=s, alias=a, source=LXNS, approved=True) for s, a in sorted(new - users)],
            batch_size=500,
        )
    return True


class ProposalStatus(StrEnum):
    ADDED = "added"  # applied at once (the proposer is a superuser)
    PENDING = "pending"  # waits for a superuser
    EXISTS = "exists"  # already an alias of this song (or already proposed)


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    song_id: int  # base id
    alias: str
    status: ProposalStatus


async def propose_alias(song_id: int, alias: str, proposer: str, *, superuser: bool) -> Proposal:
    """Record a user's alias for a song; a superuser's is approved at once."""
    alias = " ".join(alias.split())
    if not alias or len(alias) > MAX_ALIAS_LEN:
        raise ValueError(f"alias length must be 1–{MAX_ALIAS_LEN}")
    key = base_id(song_id)
    row = await Alias.get_or_none(song_id=key, alias=alias)
    if row is not None:
        if superuser and not row.approved:
            row.approved = True
            await row.save()
            return Proposal(row.id, key, alias, ProposalStatus.ADDED)
        return Proposal(row.id, key, alias, ProposalStatus.EXISTS)
    row = await Alias.create(
        song_id=key, alias=alias, source=USER, approved=superuser, proposer=proposer
    )
    return Proposal(
        row.id, key, alias, ProposalStatus.ADDED if superuser else ProposalStatus.PENDING
    )


async def pending_aliases() -> list[Alias]:
    return await Alias.filter(approved=False).order_by("id")


async def approve_alias(alias_id: int) -> Alias | None:
    """Approve a pending proposal; None when there is no such pending proposal."""
    row = await Alias.get_or_none(id=alias_id, approved=False)
    if row is not None:
        row.approved = True
        await row.save()
    return row


async def reject_alias(alias_id: int) -> Alias | None:
    row = await Alias.get_or_none(id=alias_id, approved=False)
    if row is not None:
        await row.delete()
    return row
