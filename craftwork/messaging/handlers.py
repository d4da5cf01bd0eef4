"""Reactions to other apps' events (at least once, so each is idempotent)."""

from django.db import transaction

from craftwork.core.events import subscribe

from . import realtime
from .models import Conversation, Participant


@subscribe("contracts.created")
def add_hire_to_team(event) -> None:
    """A freelancer hired on a job whose team already talks joins the team conversation."""
    from craftwork.contracts.models import Contract

    from .services import team_sync_for_contract

    contract = Contract.objects.filter(pk=event.payload.get("contract_id")).first()
    if contract is not None:
        team_sync_for_contract(contract)


@subscribe("contracts.completed")
@subscribe("contracts.cancelled")
def announce_closed(event) -> None:
    """Open conversation pages learn at once that who may write changed (a contract ended)."""
    contract_id = event.payload.get("contract_id")
    ids = set(
        Participant.objects.filter(contract_id=contract_id).values_list(
            "conversation_id", flat=True
        )
    ) | set(Conversation.objects.filter(contract_id=contract_id).values_list("pk", flat=True))
    for conversation_id in ids:
        transaction.on_commit(
            lambda pk=conversation_id: realtime.broadcast(
                pk, realtime.CONVERSATION_CHANGED, {"contract_id": str(contract_id)}
            )
        )
