"""Migration payments.0005 tags the escrow entries written before escrow items existed."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from craftwork.contracts import services
from craftwork.contracts.tests.factories import ContractFactory
from craftwork.payments.models import LedgerEntry

pytestmark = pytest.mark.django_db

MIGRATION = "0005_escrow_items_refund_cover"


def historical_apps():
    return MigrationExecutor(connection).loader.project_state(("payments", MIGRATION)).apps


def test_fund_and_release_entries_get_the_milestone_they_were_for():
    contract = ContractFactory(funded=True, started=True)
    milestone = contract.milestones.get()
    services.milestone_submit(milestone=milestone, message="done", actor=contract.provider)
    services.milestone_approve(milestone=milestone, actor=contract.client)
    apps = historical_apps()
    entries = apps.get_model("payments", "LedgerEntry").objects.filter(
        account__kind="contract_escrow"
    )
    assert entries.count() == 2
    entries.update(item_ref="")  # as written before items existed

    module = importlib.import_module(f"craftwork.payments.migrations.{MIGRATION}")
    module.tag_escrow_items(apps, None)

    tags = set(
        LedgerEntry.objects.filter(account__kind="contract_escrow").values_list(
            "item_ref", flat=True
        )
    )
    assert tags == {milestone.ref}
