"""The rejection email of a (bulk) rejection: the team's template text, filled in per
candidate, in the candidate's language."""

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Application


def send_rejection_email(application_id: str, text: str) -> None:
    application = (
        Application.objects.select_related("candidate", "opening__organization")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return
    candidate = application.candidate
    with translation.override(candidate.language):
        subject = _("Your application for %(opening)s at %(company)s") % {
            "opening": application.opening.title,
            "company": application.opening.organization.name,
        }
    EmailMessage(" ".join(subject.split()), text, to=[candidate.email]).send()
