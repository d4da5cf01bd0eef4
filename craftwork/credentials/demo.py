"""Demo credentials in every state, made through the real services.

``seed_credentials(rng)`` gives the demo freelancers (emails at the demo domain) documents that are
under review, approved (one of them expiring soon), rejected, waiting for a revision, resubmitted
and expired. Idempotent: freelancers who already have credentials are skipped.
"""

import datetime
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from . import services
from .models import Credential, DocumentType

DEMO_DOMAIN = "demo.craftwork.local"
SCORES = {"authenticity": 5, "relevance": 4, "quality": 5}

# What each freelancer gets, cycling: (document type slug, title, issuer, skill hints, scenario).
PLANS = [
    (
        "aws-certification",
        "AWS Certified Solutions Architect - Associate",
        "Amazon Web Services",
        ["aws", "cloud"],
        "approved",
    ),
    (
        "university-degree",
        "BSc Computer Science",
        "Universidad Politécnica de Madrid",
        ["python"],
        "under_review",
    ),
    ("first-aid-certificate", "First Aid at Work", "St John Ambulance", [], "expiring_soon"),
    (
        "public-liability-insurance",
        "Public liability insurance (£2m)",
        "Hiscox",
        [],
        "revision_requested",
    ),
    ("background-check", "Basic DBS check", "Disclosure and Barring Service", [], "rejected"),
    (
        "electrician-licence",
        "Electrical installation licence",
        "NICEIC",
        ["electrical"],
        "resubmitted",
    ),
    ("driving-licence", "Full driving licence (category B)", "DVLA", [], "expired"),
    ("teaching-qualification", "CELTA", "Cambridge English", ["english", "teaching"], "approved"),
    (
        "food-hygiene-certificate",
        "Level 2 Food Hygiene",
        "Highfield Qualifications",
        ["cooking"],
        "image",
    ),
    ("plumbing-licence", "Gas Safe registration", "Gas Safe Register", ["plumbing"], "approved"),
]


def seed_credentials(rng, *, freelancers=None, reviewer=None, per_freelancer: int = 3) -> int:
    """Give demo freelancers credentials; return how many were created."""
    user_model = get_user_model()
    if freelancers is None:
        freelancers = user_model.objects.filter(
            is_freelancer=True, email__iendswith=f"@{DEMO_DOMAIN}"
        ).order_by("email")[:24]
    reviewer = (
        reviewer
        or user_model.objects.filter(is_staff=True, is_active=True).order_by("date_joined").first()
    )
    if reviewer is None:
        return 0
    types = {t.slug: t for t in DocumentType.objects.filter(active=True)}
    created, plan_index = 0, 0
    for freelancer in freelancers:
        if Credential.objects.filter(owner=freelancer).exists():
            continue
        for _ in range(per_freelancer):
            plan = PLANS[plan_index % len(PLANS)]
            plan_index += 1
            if plan[0] in types:
                _make(rng, freelancer, reviewer, types[plan[0]], *plan[1:])
                created += 1
    return created


def _make(rng, owner, reviewer, document_type, title, issuer, skill_hints, scenario):
    today = timezone.localdate()
    issued = today - datetime.timedelta(days=rng.randint(200, 1400))
    expires = _expiry(rng, document_type, scenario, today)
    upload = (
        _image(title, owner) if scenario == "image" else _pdf(title, issuer, owner, issued, expires)
    )
    credential = services.credential_upload(
        actor=owner,
        document_type=document_type,
        upload=upload,
        title=title,
        issuer=issuer,
        number=f"{rng.randint(100000, 999999)}-{rng.choice('ABCDEFGH')}"
        if document_type.number_required
        else "",
        issue_date=issued,
        expiry_date=expires,
        skills=_skills(skill_hints),
    )
    _play(scenario, credential, owner, reviewer, title, issuer, issued, expires)


def _expiry(rng, document_type, scenario, today):
    if not document_type.expiry_applies:
        return None
    if scenario == "expiring_soon":
        return today + datetime.timedelta(days=rng.choice([5, 20]))
    if scenario == "expired":
        return today + datetime.timedelta(days=1)
    return today + datetime.timedelta(days=rng.randint(120, 900))


DECISIONS = {
    "approved": ("approve", "Checked with the issuer's public register."),
    "expiring_soon": ("approve", "Checked with the issuer's public register."),
    "image": ("approve", "Checked with the issuer's public register."),
    "expired": ("approve", "Checked with the issuer's public register."),
    "rejected": (
        "reject",
        "The certificate belongs to someone else: the name does not match your account.",
    ),
    "revision_requested": (
        "request_revision",
        "Please upload the full policy schedule showing the cover period.",
    ),
    "resubmitted": (
        "request_revision",
        "The scan is cut off: the licence number is not visible.",
    ),
}


def _play(scenario, credential, owner, reviewer, title, issuer, issued, expires):
    """Move the fresh (under review) credential to the scenario's state through the services."""
    if scenario in DECISIONS:
        decision, notes = DECISIONS[scenario]
        services.credential_decide(
            actor=reviewer, credential=credential, decision=decision, notes=notes, **SCORES
        )
    if scenario == "resubmitted":
        services.credential_resubmit(
            actor=owner,
            credential=credential,
            upload=_pdf(title, issuer, owner, issued, expires, note="complete scan"),
            note="Here is the complete scan.",
        )
    if scenario == "expired":
        services.credential_expire(
            credential=credential, today=expires + datetime.timedelta(days=1)
        )
    if scenario == "expiring_soon":
        services.credential_reminders_send()


def _skills(hints: list[str]) -> list[str]:
    from craftwork.profiles.models import Skill

    slugs = []
    for hint in hints:
        skill = Skill.objects.filter(slug__icontains=hint).order_by("slug").first()
        if skill and skill.slug not in slugs:
            slugs.append(skill.slug)
    return slugs


def _pdf(title, issuer, owner, issued, expires, *, note="") -> SimpleUploadedFile:
    buffer = BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(title)
    pdf.setStrokeColorRGB(0.12, 0.43, 0.36)
    pdf.setLineWidth(6)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 140, title[:60])
    pdf.setFont("Helvetica", 16)
    lines = [
        f"Awarded to {owner.get_full_name()}",
        f"Issued by {issuer}",
        f"Issue date: {issued:%d %B %Y}",
        f"Valid until: {expires:%d %B %Y}" if expires else "This qualification does not expire.",
        f"({note})" if note else "",
    ]
    for index, line in enumerate(lines):
        pdf.drawCentredString(width / 2, height - 220 - index * 30, line)
    pdf.setFont("Helvetica-Oblique", 10)
    pdf.drawCentredString(width / 2, 60, "Craftwork demo document - not a real credential")
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile("certificate.pdf", buffer.getvalue(), content_type="application/pdf")


def _image(title, owner) -> SimpleUploadedFile:
    image = Image.new("RGB", (900, 600), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, 880, 580], outline=(31, 111, 92), width=8)
    draw.text((60, 80), title, fill=(20, 40, 40))
    draw.text((60, 140), f"Awarded to {owner.get_full_name()}", fill=(20, 40, 40))
    draw.text((60, 520), "Craftwork demo document - not a real credential", fill=(120, 120, 120))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile("certificate-photo.jpg", buffer.getvalue(), content_type="image/jpeg")
