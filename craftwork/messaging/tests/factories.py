"""Conversations for tests, built through the services.

conversation = job_conversation()                    # a job's client and a bidder
conversation = contract_conversation()               # the two parties of a contract
message = send(conversation, conversation.client, "hello")
"""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from craftwork.accounts.tests.factories import FreelancerFactory
from craftwork.contracts.tests.factories import ContractFactory
from craftwork.jobs.tests.factories import JobFactory, ProposalFactory
from craftwork.messaging import services
from craftwork.messaging.models import Participant


def job_conversation(*, job=None, freelancer=None):
    """The conversation between a job's client and a freelancer who bid on it."""
    proposal = ProposalFactory(
        job=job or JobFactory(), freelancer=freelancer or FreelancerFactory()
    )
    conversation = services.conversation_for_context(
        kind="proposal", obj=proposal, actor=proposal.freelancer
    )
    conversation.proposal = proposal
    return conversation


def contract_conversation(contract=None, **contract_fields):
    contract = contract or ContractFactory(**contract_fields)
    conversation = services.conversation_for_context(
        kind="contract", obj=contract, actor=contract.client
    )
    conversation.contract = contract
    return conversation


def team(job=None, *, size=2):
    """A job with ``size`` freelancers hired (accepted proposals with contracts)."""
    job = job or JobFactory(openings=max(size, 1))
    contracts = []
    for _ in range(size):
        freelancer = FreelancerFactory()
        contract = ContractFactory(client=job.client, provider=freelancer, title=job.title)
        ProposalFactory(job=job, freelancer=freelancer, status="accepted", contract_id=contract.pk)
        contracts.append(contract)
    return job, contracts


def member(conversation, user) -> Participant:
    return Participant.objects.get(conversation=conversation, user=user)


def send(conversation, user, body="Hello there", **kwargs):
    return services.message_send(conversation=conversation, actor=user, body=body, **kwargs)


def image_upload(name="photo.png", size=(64, 48), fmt="PNG", color=(200, 30, 30)):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg"}.get(fmt, "application/octet-stream")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf_upload(name="brief.pdf"):
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def fake_upload(name="evil.png", content=b"#!/bin/sh\necho not an image\n"):
    return SimpleUploadedFile(name, content, content_type="image/png")
