"""What a dispute can be about: each app registers a resolver for its kind of subject.

    from craftwork.payments.subjects import DisputeSubject, register_dispute_subject

    def milestone_subject(ref: str, user) -> DisputeSubject | None:
        ...  # None unless ``user`` is a party and the milestone is funded

    register_dispute_subject("milestone", milestone_subject)

The dispute page ``payments:dispute-open`` (``?subject=milestone:<uuid>``) asks the
resolver for the escrow, the parties and the most that can be disputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from craftwork.core.money import Money


@dataclass(frozen=True)
class DisputeSubject:
    ref: str  # "milestone:<uuid>"
    title: str
    escrow_ref: str  # "contract:<uuid>"
    client: object
    provider: object
    max_amount: Money  # what is funded for this subject and may be disputed
    fee_bps: int | None = None  # platform fee on the provider's part (None: the schedule's)
    url: str = ""  # the subject's page, to link back to


_resolvers: dict[str, Callable] = {}


def register_dispute_subject(kind: str, resolver: Callable) -> None:
    _resolvers[kind] = resolver


def resolve_subject(ref, user) -> DisputeSubject | None:
    if not isinstance(ref, str) or ":" not in ref or len(ref) > 200:
        return None
    resolver = _resolvers.get(ref.split(":", 1)[0])
    return resolver(ref, user) if resolver is not None else None
