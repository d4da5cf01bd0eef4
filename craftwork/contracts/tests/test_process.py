"""The process engine: roles, states, guards, history, events, live pushes, timers, registry."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import StaffFactory
from craftwork.contracts import process, services
from craftwork.contracts.models import AppendOnlyError, Contract, ContractEvent, Milestone
from craftwork.contracts.process import SYSTEM, Process, Transition, apply
from craftwork.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.models import AuditLog, OutboxEvent

pytestmark = pytest.mark.django_db


def snapshot(obj):
    obj = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class TestRefusals:
    def test_wrong_party_is_refused_and_nothing_changes(self, funded):
        milestone = funded.milestones.get()
        before, history = snapshot(milestone), ContractEvent.objects.count()
        with pytest.raises(PermissionDenied) as error:
            apply(milestone, "submit", actor=funded.client, note="done")
        assert error.value.code == "transition_not_allowed"
        assert snapshot(milestone) == before
        assert ContractEvent.objects.count() == history

    def test_stranger_and_staff_cannot_run_party_transitions(self, funded, stranger):
        milestone = funded.milestones.get()
        for actor in (stranger, StaffFactory()):
            with pytest.raises(PermissionDenied):
                apply(milestone, "submit", actor=actor, note="done")

    def test_wrong_state_is_refused_and_nothing_changes(self, contract):
        milestone = contract.milestones.get()
        before = snapshot(milestone)
        with pytest.raises(InvalidTransition) as error:
            apply(milestone, "approve", actor=contract.client)
        assert error.value.code == "invalid_state"
        assert error.value.details == {"transition": "approve", "state": "pending_funding"}
        assert snapshot(milestone) == before

    def test_system_transitions_are_refused_to_users(self, contract):
        milestone = contract.milestones.get()
        for actor in (contract.client, contract.provider, StaffFactory()):
            with pytest.raises(PermissionDenied):
                apply(milestone, "fund", actor=actor)
        assert Milestone.objects.get(pk=milestone.pk).state == "pending_funding"

    def test_unknown_transition(self, contract):
        with pytest.raises(InvalidTransition) as error:
            apply(contract, "teleport", actor=contract.client)
        assert error.value.code == "unknown_transition"

    def test_actor_is_required(self, contract):
        with pytest.raises(TypeError):
            apply(contract, "cancel", actor=None, note="x")

    def test_note_required_and_length(self, started):
        milestone = started.milestones.get()
        with pytest.raises(ValidationFailed) as error:
            apply(milestone, "submit", actor=started.provider, note="   ")
        assert error.value.code == "note_required"
        with pytest.raises(ValidationFailed) as error:
            apply(milestone, "submit", actor=started.provider, note="x" * 5001)
        assert error.value.code == "note_too_long"
        assert Milestone.objects.get(pk=milestone.pk).state == "funded"

    def test_a_failing_effect_rolls_everything_back(self, started):
        milestone = started.milestones.get()
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        history = ContractEvent.objects.count()
        with (
            mock.patch(
                "craftwork.contracts.escrow.release", side_effect=RuntimeError("ledger down")
            ),
            pytest.raises(RuntimeError),
        ):
            apply(milestone, "approve", actor=started.client)
        assert Milestone.objects.get(pk=milestone.pk).state == "submitted"
        assert Contract.objects.get(pk=started.pk).state == "delivered"
        assert ContractEvent.objects.count() == history


class TestRecording:
    def test_history_event_audit_and_push(self, started, committed):
        milestone = started.milestones.get()
        with (
            mock.patch("craftwork.core.realtime.push_to_user") as push,
            committed(),
        ):
            apply(milestone, "submit", actor=started.provider, note="Here it is")
        row = ContractEvent.objects.filter(subject="milestone", transition="submit").get()
        assert (row.from_state, row.to_state, row.actor, row.actor_role, row.note) == (
            "funded",
            "submitted",
            started.provider,
            "provider",
            "Here it is",
        )
        event = OutboxEvent.objects.get(name="contracts.milestone_submitted")
        assert event.payload["contract_id"] == str(started.pk)
        assert event.payload["client_id"] == str(started.client_id)
        assert event.payload["provider_id"] == str(started.provider_id)
        assert event.payload["milestone_id"] == str(milestone.pk)
        assert AuditLog.objects.filter(action="contracts.milestone.submit").exists()
        pushed_to = {c.args[0] for c in push.call_args_list}
        assert pushed_to == {started.client_id, started.provider_id}
        assert all(
            c.args[1:] == ("contract_changed", {"contract_id": str(started.pk)})
            for c in push.call_args_list
        )

    def test_the_contract_follows_and_records_as_system(self, started):
        milestone = started.milestones.get()
        apply(milestone, "submit", actor=started.provider, note="done")
        row = ContractEvent.objects.get(subject="contract", transition="deliver")
        assert (row.actor, row.actor_role) == (None, "system")

    def test_history_is_append_only(self, contract):
        row = ContractEvent.objects.filter(contract=contract).first()
        row.note = "rewritten"
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        with pytest.raises(AppendOnlyError):
            ContractEvent.objects.filter(contract=contract).update(note="x")
        with pytest.raises(AppendOnlyError):
            ContractEvent.objects.filter(contract=contract).delete()

    def test_caller_instances_are_updated(self, started):
        milestone = Milestone.objects.select_related("contract").get(contract=started)
        apply(milestone, "submit", actor=started.provider, note="done")
        assert milestone.state == "submitted"
        assert milestone.contract.state == "delivered"


class TestAvailable:
    def test_each_party_sees_only_its_transitions(self, started, stranger):
        milestone = started.milestones.get()
        names = lambda obj, user: {t.name for t in process.available_transitions(obj, user)}  # noqa: E731
        assert names(milestone, started.provider) == {"submit", "dispute"}
        assert names(milestone, started.client) == {"dispute"}
        assert names(milestone, stranger) == set()
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        assert names(milestone, started.client) == {"approve", "request_changes", "dispute"}
        assert names(milestone, started.provider) == {"dispute"}

    def test_guards_hide_transitions(self, started):
        milestone = started.milestones.get()
        for round_ in range(2):  # two revisions are allowed
            services.milestone_submit(
                milestone=milestone, message=f"v{round_}", actor=started.provider
            )
            services.milestone_request_changes(
                milestone=milestone, note="again", actor=started.client
            )
        services.milestone_submit(milestone=milestone, message="v3", actor=started.provider)
        names = {t.name for t in process.available_transitions(milestone, started.client)}
        assert "request_changes" not in names and "approve" in names


class TestTimers:
    def test_timer_is_set_on_entering_a_timed_state_and_cleared_after(self, started):
        milestone = started.milestones.get()
        assert milestone.timer_due_at is None
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        milestone.refresh_from_db()
        expected = milestone.state_changed_at + timedelta(days=14)
        assert milestone.timer_due_at == expected
        services.milestone_approve(milestone=milestone, actor=started.client)
        milestone.refresh_from_db()
        assert milestone.timer_due_at is None

    def test_a_timed_transition_refuses_before_it_is_due(self, started):
        milestone = started.milestones.get()
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        with pytest.raises(InvalidTransition) as error:
            apply(milestone, "auto_approve", actor=SYSTEM)
        assert error.value.code == "timer_not_due"
        assert process.run_due_timers() == 0
        assert process.run_due_timers(now=timezone.now() + timedelta(days=15)) == 1
        assert process.run_due_timers(now=timezone.now() + timedelta(days=15)) == 0


class TestRegistry:
    def test_a_new_process_runs_through_the_same_engine(self, db):
        """How commerce adds gigs: register a process; apply, history and checks come free."""
        from craftwork.contracts.terms import ContractTerms
        from craftwork.core.money import Money

        from .factories import ContractFactory

        gig = Process(
            name="gig",
            states=["pending_funding", "active", "completed", "cancelled"],
            transitions=[
                Transition("activate", ["pending_funding"], "active", {"client"}),
                Transition("finish", ["active"], "completed", {"system"}),
            ],
        )
        previous = process.registered_processes().get("gig")
        process.register_process("gig", gig)
        try:
            contract = ContractFactory(
                source="gig_order",
                terms=ContractTerms(kind="gig", currency="EUR", amount=Money(9900, "EUR")),
            )
            assert contract.state == "pending_funding" and not contract.milestones.exists()
            with pytest.raises(PermissionDenied):
                apply(contract, "activate", actor=contract.provider)
            apply(contract, "activate", actor=contract.client)
            apply(contract, "finish", actor=SYSTEM)
            assert contract.state == "completed"
            assert list(contract.history.values_list("transition", flat=True)) == [
                "create",
                "activate",
                "finish",
            ]
        finally:
            process._registry.pop("gig")
            if previous:
                process.register_process("gig", previous)

    def test_invalid_tables_are_refused(self):
        with pytest.raises(ValueError):
            Process(name="x", states=["a"], transitions=[Transition("t", ["a"], "b", {"client"})])
        with pytest.raises(ValueError):
            Transition("t", ["a"], "b", {"boss"})
        with pytest.raises(ValueError):
            Process(
                name="x",
                states=["a", "b"],
                transitions=[
                    Transition("t", ["a"], "b", {"client"}),
                    Transition("t", ["b"], "a", {"client"}),
                ],
            )
