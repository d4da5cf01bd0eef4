"""Completed contracts and reviews, made through the real services.

contract = completed_contract()                      # hourly, started and ended: completed now
review = write_review(contract, contract.client)     # submitted (published if the other side's is)
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from craftwork.contracts import services as contract_services
from craftwork.contracts.models import Contract
from craftwork.contracts.tests.factories import HourlyContractFactory
from craftwork.reviews import services
from craftwork.reviews.models import DIMENSIONS, Review


def completed_contract(*, client=None, provider=None, days_ago: float = 0, **kwargs) -> Contract:
    """An hourly contract started and ended (no time logged), completed ``days_ago`` days ago."""
    extra = {"client": client, "provider": provider}
    contract = HourlyContractFactory(**{k: v for k, v in extra.items() if v}, **kwargs)
    contract_services.contract_transition(obj=contract, transition="start", actor=contract.provider)
    contract_services.contract_transition(obj=contract, transition="end", actor=contract.client)
    if days_ago:
        moment = timezone.now() - timedelta(days=days_ago)
        Contract.objects.filter(pk=contract.pk).update(completed_at=moment, state_changed_at=moment)
    contract.refresh_from_db()
    return contract


def completed_gig_order(*, client=None, seller=None) -> Contract:
    """A gig order (orders' factory: gig, package, paid escrow) delivered and accepted."""
    from craftwork.contracts import orders
    from craftwork.contracts.tests.factories import gig_order

    contract = gig_order(client=client, seller=seller)
    orders.gig_deliver(contract=contract, message="Here are the files.", actor=contract.provider)
    orders.gig_accept(contract=contract, actor=contract.client)
    contract.refresh_from_db()
    return contract


def ratings_for(role: str, value: int = 5) -> dict:
    return dict.fromkeys(DIMENSIONS[role], value)


def write_review(
    contract, author, *, overall: int = 5, submit: bool = True, text: str = "", sub=None, **kwargs
) -> Review:
    role = contract.role_of(author)
    review = services.review_create(
        actor=author,
        contract=contract,
        overall=overall,
        ratings=ratings_for(role, sub or overall),
        text=text or f"{overall} stars: it went as agreed.",
        submit=submit,
        **kwargs,
    )
    review.refresh_from_db()
    return review


def image_upload(name: str = "work.png", *, fmt: str = "PNG", size=(60, 40)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (30, 120, 90)).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def not_an_image(name: str = "work.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"#!/bin/sh\necho hello\n" * 10, content_type="image/png")
