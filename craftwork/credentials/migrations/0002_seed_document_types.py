"""A realistic starting set of document types; staff change them in the admin afterwards."""

import uuid

from django.db import migrations

# slug, name, kind, description, issuer, issue date, expires, number
DOCUMENT_TYPES = [
    ("electrician-licence", "Electrician licence", "licence",
     "A state or national licence to carry out electrical installation work.", True, True, True, True),
    ("plumbing-licence", "Plumbing licence", "licence",
     "A licence or registration to carry out plumbing and gas work.", True, True, True, True),
    ("public-liability-insurance", "Public liability insurance", "insurance",
     "A current policy covering injury or damage to clients and third parties.", True, True, True, True),
    ("university-degree", "University degree", "diploma",
     "A bachelor's, master's or doctoral degree certificate.", True, True, False, False),
    ("aws-certification", "AWS certification", "certificate",
     "An Amazon Web Services certification (e.g. Solutions Architect, Developer).", True, True, True, True),
    ("first-aid-certificate", "First aid certificate", "certificate",
     "A first aid at work or equivalent certificate.", True, True, True, False),
    ("background-check", "Background check (DBS/criminal record)", "background_check",
     "A criminal record check such as a DBS certificate or police clearance.", True, True, True, True),
    ("teaching-qualification", "Teaching qualification", "diploma",
     "A recognised teaching qualification (PGCE, CELTA, teaching licence).", True, True, False, False),
    ("driving-licence", "Driving licence", "licence",
     "A valid driving licence, for on-site work that needs a vehicle.", True, True, True, True),
    ("food-hygiene-certificate", "Food hygiene certificate", "certificate",
     "A food safety and hygiene certificate for catering and food work.", True, True, True, False),
    ("other-certificate", "Other certificate", "other",
     "Any other professional certificate or qualification.", True, False, False, False),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("credentials", "DocumentType")
    for position, row in enumerate(DOCUMENT_TYPES):
        slug, name, kind, description, issuer, issued, expires, number = row
        DocumentType.objects.get_or_create(
            slug=slug,
            defaults={
                "id": uuid.uuid4(),
                "name": name,
                "kind": kind,
                "description": description,
                "issuer_required": issuer,
                "issue_date_required": issued,
                "expiry_applies": expires,
                "number_required": number,
                "active": True,
                "position": position,
            },
        )


def unseed(apps, schema_editor):
    DocumentType = apps.get_model("credentials", "DocumentType")
    DocumentType.objects.filter(
        slug__in=[row[0] for row in DOCUMENT_TYPES], credentials__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("credentials", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
