import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import UserFactory
from craftwork.payments import receipts
from craftwork.payments.models import Receipt, ReceiptCounter

from .conftest import paid_payment

pytestmark = pytest.mark.django_db


def test_numbers_have_no_gaps_per_series_and_year():
    payments = [paid_payment(UserFactory()) for _ in range(3)]
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    year = timezone.now().year
    assert ReceiptCounter.objects.get(series="CH", year=year).last_number == 3
    assert payments[0].receipt.display_number.startswith(f"CH-{year}-00000")


def test_issue_is_idempotent_per_payment():
    payment = paid_payment(UserFactory())
    assert receipts.issue_for_payment(payment).pk == payment.receipt.pk
    assert Receipt.objects.count() == 1


def test_a_rolled_back_event_gives_its_number_back():
    from django.db import transaction

    paid_payment(UserFactory())
    with pytest.raises(RuntimeError), transaction.atomic():
        paid_payment(UserFactory())
        raise RuntimeError
    assert paid_payment(UserFactory()).receipt.number == 2


def test_pdf_renders_the_receipt():
    payment = paid_payment(UserFactory())
    pdf = receipts.render_pdf(payment.receipt)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 500
