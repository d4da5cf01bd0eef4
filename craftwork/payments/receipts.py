"""Receipts: one numbered PDF for every charge, refund and payout.

Numbers have no gaps within a series and year (``CH-2026-000001``): the counter row of
the series is locked with SELECT ... FOR UPDATE and the number is taken in the same
transaction as the money event, so a rolled-back event gives its number back.
"""

from __future__ import annotations

from io import BytesIO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Payment, Payout, Receipt, ReceiptCounter, Refund


def _next_number(series: str, year: int) -> int:
    try:
        with transaction.atomic():
            ReceiptCounter.objects.get_or_create(series=series, year=year)
    except IntegrityError:
        pass  # created by a concurrent transaction; the lock below waits for it
    counter = ReceiptCounter.objects.select_for_update().get(series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def receipt_issue(
    *,
    series: str,
    owner,
    amount,
    description: str,
    payment: Payment | None = None,
    refund: Refund | None = None,
    payout: Payout | None = None,
) -> Receipt:
    """Issue the receipt of a money event once (a repeat returns the first receipt)."""
    target = {"payment": payment, "refund": refund, "payout": payout}
    target = {name: obj for name, obj in target.items() if obj is not None}
    if len(target) != 1:
        raise ValueError("a receipt is for exactly one payment, refund or payout")
    existing = Receipt.objects.filter(**target).first()
    if existing is not None:
        return existing
    year = timezone.now().year
    return Receipt.objects.create(
        series=series,
        year=year,
        number=_next_number(series, year),
        owner=owner,
        amount_minor=amount.minor,
        currency=amount.currency,
        description=description[:500],
        **target,
    )


def issue_for_payment(payment: Payment) -> Receipt:
    return receipt_issue(
        series=Receipt.Series.CHARGE,
        owner=payment.payer,
        amount=payment.total,
        description=payment.description,
        payment=payment,
    )


def issue_for_refund(refund: Refund) -> Receipt:
    """The credit note of a refund: what went back to the card (amount and fee share)."""
    return receipt_issue(
        series=Receipt.Series.REFUND,
        owner=refund.payment.payer,
        amount=refund.total,
        description=refund.reason or refund.payment.description,
        refund=refund,
    )


def issue_for_payout(payout: Payout) -> Receipt:
    return receipt_issue(
        series=Receipt.Series.PAYOUT,
        owner=payout.user,
        amount=payout.amount,
        description=payout.method.display_name if payout.method_id else "",
        payout=payout,
    )


def _refund_subject(refund: Refund) -> str:
    if refund.line_id:
        return refund.line.description or refund.line.reference
    return refund.payment.description or refund.payment.reference


# --- PDF --------------------------------------------------------------------------------


def _lines(receipt: Receipt) -> list[tuple[str, str]]:
    lines = [
        (_("Receipt number"), receipt.display_number),
        (_("Date"), timezone.localtime(receipt.created_at).strftime("%Y-%m-%d %H:%M %Z")),
        (_("Issued to"), receipt.owner.get_full_name() or receipt.owner.email),
    ]
    if receipt.payment_id:
        payment = receipt.payment
        lines += [(_("For"), payment.description or payment.reference)]
        if payment.is_split:
            for line in payment.lines.order_by("position"):
                label = f"{line.position}. {line.description or line.reference}"
                value = _("%(amount)s + %(fee)s service fee") % {
                    "amount": line.amount.format(with_code=True),
                    "fee": line.client_fee.format(with_code=True),
                }
                lines.append((label[:40], value))
        lines += [
            (_("Subtotal"), payment.amount.format(with_code=True)),
            (_("Service fee"), payment.client_fee.format(with_code=True)),
            (_("Total charged"), payment.total.format(with_code=True)),
            (_("Payment reference"), str(payment.pk)),
        ]
    elif receipt.refund_id:
        refund = receipt.refund
        lines += [
            (_("Refund of payment"), str(refund.payment_id)),
            (_("For"), _refund_subject(refund)),
            (_("Reason"), refund.reason or "-"),
            (_("Amount refunded"), refund.amount.format(with_code=True)),
            (_("Service fee refunded"), refund.client_fee.format(with_code=True)),
            (_("Total refunded"), refund.total.format(with_code=True)),
            (_("Status"), str(refund.get_status_display())),
        ]
    else:
        payout = receipt.payout
        lines += [
            (_("Paid to"), payout.method.display_name if payout.method_id else "-"),
            (_("Amount paid out"), payout.amount.format(with_code=True)),
            (_("Payout reference"), str(payout.pk)),
        ]
    return lines


def render_pdf(receipt: Receipt) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(receipt.display_number)
    pdf.setAuthor("Craftwork")
    _width, height = A4
    y = height - 25 * mm
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(20 * mm, y, f"Craftwork — {receipt.get_series_display()}")
    y -= 15 * mm
    for label, value in _lines(receipt):
        if y < 25 * mm:  # a long cart continues on the next page
            pdf.showPage()
            y = height - 25 * mm
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawString(20 * mm, y, str(label))
        pdf.setFont("Helvetica", 11)
        pdf.drawString(75 * mm, y, str(value)[:80])
        y -= 8 * mm
    pdf.setFont("Helvetica", 8)
    pdf.drawString(20 * mm, 15 * mm, _("Thank you for working with Craftwork."))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
