"""Every write of recruiting: ``<entity>_<verb>(*, ..., actor)``. Team writes take the
``membership`` returned by ``selectors.workspace_for`` (the gate) and check the role's
permission here again, so no caller can skip it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.accounts.models import Membership, Organization
from craftwork.core.audit import audit
from craftwork.core.errors import Conflict, NotFound, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.files import check_document
from craftwork.profiles.models import Currency

from . import process
from .matching import match_application
from .models import (
    MAX_ANSWER_LENGTH,
    MAX_CHOICES,
    MAX_DESCRIPTION_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_POSITIONS,
    MAX_QUESTIONS,
    MAX_REASON_LENGTH,
    MAX_SALARY_MINOR,
    SCORECARD_CRITERIA,
    Application,
    Note,
    Offer,
    OfferStatus,
    Opening,
    OpeningStatus,
    PipelineStage,
    QuestionKind,
    Recommendation,
    SalaryPeriod,
    Scorecard,
    ScreeningQuestion,
    StageKind,
)
from .permissions import require

DEFAULT_PIPELINE = (
    (StageKind.APPLIED, "Applied"),
    (StageKind.SCREENING, "Screening"),
    (StageKind.INTERVIEW, "Interview"),
    (StageKind.OFFER, "Offer"),
    (StageKind.HIRED, "Hired"),
    (StageKind.REJECTED, "Rejected"),
    (StageKind.WITHDRAWN, "Withdrawn"),
)
MAX_STAGES = 20
MAX_BULK = 200


def _fail(field: str, message) -> ValidationFailed:
    return ValidationFailed(str(message), details={field: [str(message)]})


def _clean_text(value, field: str, *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _fail(field, _("Enter text."))
    value = value.strip()
    if "\x00" in value:
        raise _fail(field, _("The text contains a null character."))
    if required and not value:
        raise _fail(field, _("This field is required."))
    if len(value) > max_length:
        raise _fail(field, _("At most %(n)d characters.") % {"n": max_length})
    return value


# --- pipeline --------------------------------------------------------------------------------


def pipeline_ensure(organization: Organization) -> list[PipelineStage]:
    """The workspace's stages, creating the default template the first time (idempotent: the
    organization row is locked while checking)."""
    stages = list(PipelineStage.objects.filter(organization=organization))
    if stages:
        return stages
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if not PipelineStage.objects.filter(organization=organization).exists():
            PipelineStage.objects.bulk_create(
                PipelineStage(organization=organization, kind=kind, name=name, position=i * 10)
                for i, (kind, name) in enumerate(DEFAULT_PIPELINE)
            )
    return list(PipelineStage.objects.filter(organization=organization))


def stage_create(*, actor, membership: Membership, name, kind, position=None) -> PipelineStage:
    require(membership, "pipeline.configure")
    name = _clean_text(name, "name", max_length=60, required=True)
    if kind not in (StageKind.SCREENING, StageKind.INTERVIEW):
        raise _fail("kind", _("Extra stages are screening or interview steps."))
    organization = membership.organization
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        stages = pipeline_ensure(organization)
        if len(stages) >= MAX_STAGES:
            raise Conflict(_("A pipeline has at most %(n)d stages.") % {"n": MAX_STAGES},
                           code="too_many_stages")  # fmt: skip
        if any(stage.name.lower() == name.lower() for stage in stages):
            raise _fail("name", _("There is a stage with this name already."))
        if position is None:
            # after the last stage of the same kind
            same = [stage.position for stage in stages if stage.kind == kind]
            position = (max(same) if same else 0) + 1
        if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < 1000:
            raise _fail("position", _("Enter a whole number from 0 to 999."))
        stage = PipelineStage.objects.create(
            organization=organization, name=name, kind=kind, position=position
        )
        audit(actor=actor, action="recruiting.stage_created", target=stage,
              details={"name": name, "kind": kind})  # fmt: skip
    return stage


# --- openings --------------------------------------------------------------------------------

OPENING_FIELDS = (
    "title", "description", "department", "employment_type", "seniority", "location",
    "workplace", "salary_min", "salary_max", "salary_currency", "salary_period",
    "salary_visible", "positions", "knockout_delay_hours",
)  # fmt: skip


def _check_opening(opening: Opening) -> None:
    errors: dict = {}
    try:
        opening.full_clean(
            exclude=["organization", "created_by", "skills", "hiring_team", "status", "hired_count"]
        )
    except DjangoValidationError as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    for field in ("salary_min", "salary_max"):
        value = getattr(opening, field)
        if value is not None and not 0 < value <= MAX_SALARY_MINOR:
            errors[field] = [_("Enter a positive amount in minor units.")]
    if (
        opening.salary_min is not None
        and opening.salary_max is not None
        and opening.salary_max < opening.salary_min
    ):
        errors["salary_max"] = [_("The upper end is below the lower end.")]
    if not 1 <= (opening.positions or 0) <= MAX_POSITIONS:
        errors["positions"] = [_("Between 1 and %(n)d.") % {"n": MAX_POSITIONS}]
    if opening.knockout_delay_hours is not None and opening.knockout_delay_hours > 24 * 30:
        errors["knockout_delay_hours"] = [_("At most 720 hours.")]
    for field in ("title", "description", "department", "location"):
        if "\x00" in (getattr(opening, field) or ""):
            errors[field] = [_("The text contains a null character.")]
    if errors:
        raise ValidationFailed(details=errors)


def _clean_questions(raw) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_QUESTIONS:
        raise _fail("questions", _("At most %(n)d questions.") % {"n": MAX_QUESTIONS})
    cleaned = []
    for index, item in enumerate(raw):
        field = f"questions[{index}]"
        if not isinstance(item, dict):
            raise _fail(field, _("Each question is an object."))
        prompt = _clean_text(item.get("prompt"), field, max_length=300, required=True)
        kind = item.get("kind")
        if kind not in QuestionKind.values:
            raise _fail(field, _("Kind is text, yes_no, choice or number."))
        choices = item.get("choices") or []
        if kind == QuestionKind.CHOICE:
            if (not isinstance(choices, list) or not 2 <= len(choices) <= MAX_CHOICES
                    or not all(isinstance(c, str) and c.strip() and len(c) <= 100 and "\x00" not in c
                               for c in choices)
                    or len({c.strip() for c in choices}) != len(choices)):  # fmt: skip
                raise _fail(field, _("A choice question needs 2-20 different short choices."))
            choices = [c.strip() for c in choices]
        else:
            choices = []
        knockout = _clean_knockout(item.get("knockout") or {}, kind, choices, field)
        required = item.get("required", True)
        if not isinstance(required, bool):
            raise _fail(field, _("required is true or false."))
        cleaned.append({"prompt": prompt, "kind": kind, "choices": choices,
                        "knockout": knockout, "required": required, "position": index})  # fmt: skip
    return cleaned


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e12


def _clean_knockout(knockout, kind, choices, field) -> dict:
    if not isinstance(knockout, dict):
        raise _fail(field, _("knockout is an object."))
    if not knockout:
        return {}
    if (
        kind == QuestionKind.YES_NO
        and set(knockout) == {"answer"}
        and isinstance(knockout["answer"], bool)
    ):
        return knockout
    if kind == QuestionKind.CHOICE and set(knockout) == {"choices"}:
        bad = knockout["choices"]
        if (
            isinstance(bad, list)
            and bad
            and all(c in choices for c in bad)
            and len(bad) < len(choices)
        ):
            return {"choices": list(dict.fromkeys(bad))}
    if (
        kind == QuestionKind.NUMBER
        and set(knockout) <= {"min", "max"}
        and all(_is_number(v) for v in knockout.values())
        and knockout.get("min", float("-inf")) <= knockout.get("max", float("inf"))
    ):
        return knockout
    raise _fail(
        field,
        _(
            'Knockout: yes/no {"answer": true|false}; choice {"choices": [...]}; '
            'number {"min": n, "max": n}; text questions have none.'
        ),
    )


def _clean_team(organization, team) -> list:
    if team is None:
        return []
    ids = [getattr(person, "pk", person) for person in team]
    members = list(
        Membership.objects.filter(organization=organization, user_id__in=ids).select_related("user")
    )
    if len(members) != len(set(map(str, ids))):
        raise _fail("hiring_team", _("The hiring team is made of workspace members."))
    return [member.user for member in members]


def opening_create(
    *, actor, membership: Membership, skills=(), questions=None, hiring_team=None,
    publish_now: bool = False, **fields,
) -> Opening:  # fmt: skip
    require(membership, "opening.manage")
    unknown = set(fields) - set(OPENING_FIELDS)
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in sorted(unknown)})
    organization = membership.organization
    opening = Opening(organization=organization, created_by=actor, **fields)
    _check_opening(opening)
    cleaned_questions = _clean_questions(questions)
    team = _clean_team(organization, hiring_team)
    with transaction.atomic():
        pipeline_ensure(organization)
        opening.save()
        opening.skills.set(list(skills or [])[:30])
        opening.hiring_team.set(team or [actor])
        ScreeningQuestion.objects.bulk_create(
            ScreeningQuestion(opening=opening, **q) for q in cleaned_questions
        )
        audit(actor=actor, action="recruiting.opening_created", target=opening,
              details={"title": opening.title})  # fmt: skip
        if publish_now:
            process.apply_opening(opening, "publish", role=process.TEAM, actor=actor)
    return opening


def opening_update(
    *, actor, membership: Membership, opening: Opening, skills=None, questions=None,
    hiring_team=None, **fields,
) -> Opening:  # fmt: skip
    require(membership, "opening.manage")
    unknown = set(fields) - set(OPENING_FIELDS)
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in sorted(unknown)})
    with transaction.atomic():
        locked = Opening.objects.select_for_update().get(
            pk=opening.pk, organization_id=membership.organization_id
        )
        if locked.status == OpeningStatus.CLOSED:
            raise Conflict(_("A closed opening cannot be edited."), code="opening_closed")
        for name, value in fields.items():
            setattr(locked, name, value)
        _check_opening(locked)
        if questions is not None:
            cleaned = _clean_questions(questions)
            if locked.applications.exists():
                raise Conflict(
                    _("Screening questions cannot change once people have applied."),
                    code="has_applications",
                )
        team = _clean_team(locked.organization, hiring_team) if hiring_team is not None else None
        locked.save(update_fields=[*fields, "updated_at"])
        if skills is not None:
            locked.skills.set(list(skills)[:30])
        if team is not None:
            locked.hiring_team.set(team)
        if questions is not None:
            locked.questions.all().delete()
            ScreeningQuestion.objects.bulk_create(
                ScreeningQuestion(opening=locked, **q) for q in cleaned
            )
        audit(actor=actor, action="recruiting.opening_updated", target=locked,
              details={"fields": sorted(fields)})  # fmt: skip
    return locked


def opening_transition(*, actor, membership: Membership, opening: Opening, name: str) -> Opening:
    require(membership, "opening.manage")
    with transaction.atomic():
        locked = Opening.objects.select_for_update().get(
            pk=opening.pk, organization_id=membership.organization_id
        )
        process.apply_opening(locked, name, role=process.TEAM, actor=actor)
    return locked


# --- applying --------------------------------------------------------------------------------


def _clean_answers(opening: Opening, answers) -> tuple[dict, bool]:
    """The typed answers keyed by question id, and whether one of them is a knockout."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict) or len(answers) > MAX_QUESTIONS:
        raise _fail("answers", _("Answers are an object: question id → answer."))
    questions = {str(q.pk): q for q in opening.questions.all()}
    unknown = [key for key in answers if str(key) not in questions]
    if unknown:
        raise ValidationFailed(
            _("Some answers are for questions this opening does not ask."),
            code="unknown_question",
            details={"answers": [_("Unknown question: %(id)s") % {"id": str(unknown[0])[:40]}]},
        )
    cleaned, knocked_out, errors = {}, False, {}
    for key, question in questions.items():
        value = answers.get(key)
        field = f"answers.{key}"
        if value is None or value == "":
            if question.required:
                errors[field] = [_("Please answer this question.")]
            continue
        typed, problem = _typed(question, value)
        if problem:
            errors[field] = [problem]
            continue
        cleaned[key] = typed
        knocked_out = knocked_out or _knocks_out(question, typed)
    if errors:
        raise ValidationFailed(_("Some answers are not valid."), code="invalid_answers",
                               details=errors)  # fmt: skip
    return cleaned, knocked_out


def _typed(question, value):
    kind = question.kind
    if kind == QuestionKind.TEXT:
        if not isinstance(value, str) or "\x00" in value:
            return None, _("Enter text.")
        if len(value) > MAX_ANSWER_LENGTH:
            return None, _("At most %(n)d characters.") % {"n": MAX_ANSWER_LENGTH}
        return value.strip(), None
    if kind == QuestionKind.YES_NO:
        if isinstance(value, bool):
            return value, None
        if value in ("yes", "no"):  # web forms
            return value == "yes", None
        return None, _("Answer yes or no.")
    if kind == QuestionKind.CHOICE:
        if isinstance(value, str) and value in question.choices:
            return value, None
        return None, _("Choose one of the options.")
    # number
    if isinstance(value, str):
        try:
            value = float(value) if "." in value else int(value)
        except ValueError:
            return None, _("Enter a number.")
    if not _is_number(value) or value != value:  # NaN
        return None, _("Enter a number.")
    return value, None


def _knocks_out(question, value) -> bool:
    rule = question.knockout or {}
    if not rule:
        return False
    if question.kind == QuestionKind.YES_NO:
        return value == rule.get("answer")
    if question.kind == QuestionKind.CHOICE:
        return value in rule.get("choices", [])
    if question.kind == QuestionKind.NUMBER:
        return value < rule.get("min", float("-inf")) or value > rule.get("max", float("inf"))
    return False


def application_submit(
    *, actor, opening: Opening, answers=None, cover_letter: str = "", cv=None, now=None
) -> Application:
    """Apply to an open opening (one application per candidate and opening)."""
    cover_letter = _clean_text(cover_letter, "cover_letter", max_length=MAX_NOTE_LENGTH)
    checked = check_document(cv) if cv is not None else None
    now = now or timezone.now()
    with transaction.atomic():
        locked = Opening.objects.select_for_update().filter(pk=opening.pk).first()
        if locked is None:
            raise NotFound(_("Opening not found."))
        if locked.status != OpeningStatus.OPEN:
            raise Conflict(_("This opening is not taking applications."), code="opening_not_open")
        if Membership.objects.filter(organization_id=locked.organization_id, user=actor).exists():
            raise Conflict(_("Members of the company cannot apply to its own openings."),
                           code="own_opening")  # fmt: skip
        if Application.objects.filter(opening=locked, candidate=actor).exists():
            raise Conflict(_("You have already applied to this opening."), code="already_applied")
        answers, knocked_out = _clean_answers(locked, answers)
        first = next(s for s in pipeline_ensure(locked.organization) if s.kind == StageKind.APPLIED)
        application = Application(
            opening=locked, candidate=actor, stage=first, status=StageKind.APPLIED,
            answers=answers, cover_letter=cover_letter, knocked_out=knocked_out,
            stage_entered_at=now,
        )  # fmt: skip
        if knocked_out and locked.knockout_delay_hours is not None:
            application.knockout_due_at = now + timedelta(hours=locked.knockout_delay_hours)
        match = match_application(application)
        application.match_score = match.score
        application.matched_skills, application.missing_skills = match.matched, match.missing
        if checked is not None:
            application.cv_kind, application.cv_name = checked.kind, checked.original_name
            application.cv = cv
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:  # a double submit raced this one
            raise Conflict(
                _("You have already applied to this opening."), code="already_applied"
            ) from None
        audit(actor=actor, action="recruiting.application_submitted", target=application,
              details={"opening": str(locked.pk), "knocked_out": knocked_out})  # fmt: skip
        publish("recruiting.application_submitted",
                payload=process.application_payload(application), actor=actor)  # fmt: skip
    return application


# --- moving ----------------------------------------------------------------------------------


def _lock_application(membership, application) -> Application:
    locked = (
        Application.objects.select_for_update()
        .select_related("opening", "stage")
        .filter(pk=application.pk, opening__organization_id=membership.organization_id)
        .first()
    )
    if locked is None:
        raise NotFound(_("Application not found."))
    return locked


def _stage_of(membership, stage) -> PipelineStage:
    if not isinstance(stage, PipelineStage) or stage.organization_id != membership.organization_id:
        raise NotFound(_("Stage not found."))
    return stage


def application_move(
    *, actor, membership: Membership, application: Application, stage, reason: str = "",
    candidate_message: str = "",
) -> Application:  # fmt: skip
    """Move an application to another stage of the workspace's pipeline, as the table allows.
    Hiring fills a position (the last one closes the opening); a rejection keeps the reason
    and emails the candidate ``candidate_message`` when given."""
    require(membership, "application.move")
    stage = _stage_of(membership, stage)
    reason = _clean_text(reason, "reason", max_length=MAX_REASON_LENGTH)
    candidate_message = _clean_text(candidate_message, "candidate_message",
                                    max_length=MAX_NOTE_LENGTH)  # fmt: skip
    with transaction.atomic():
        # Opening before application, always: a hire changes both.
        Opening.objects.select_for_update().filter(pk=application.opening_id).first()
        locked = _lock_application(membership, application)
        process.apply_application(locked, stage, role=process.TEAM, actor=actor, note=reason)
        _after_move(locked, actor=actor, candidate_message=candidate_message)
    return locked


def _after_move(application, *, actor, candidate_message: str = "") -> None:
    if application.status == StageKind.HIRED:
        opening = application.opening
        opening.hired_count += 1
        opening.save(update_fields=["hired_count", "updated_at"])
        if opening.hired_count >= opening.positions and opening.status != OpeningStatus.CLOSED:
            process.apply_opening(opening, "close", role=process.SYSTEM, actor=actor,
                                  note="positions filled")  # fmt: skip
    if application.status == StageKind.REJECTED and candidate_message:
        from . import tasks

        text = _render_message(candidate_message, application)
        transaction.on_commit(lambda: tasks.send_rejection_email.delay(str(application.pk), text))


def _render_message(template: str, application) -> str:
    """The bulk-reject template: {name}, {opening} and {company} are filled in."""
    values = {
        "name": application.candidate.first_name,
        "opening": application.opening.title,
        "company": application.opening.organization.name,
    }
    return re.sub(r"\{(name|opening|company)\}", lambda m: values[m.group(1)], template)


def application_bulk_move(
    *, actor, membership: Membership, opening: Opening, application_ids, stage,
    reason: str = "", candidate_message: str = "",
) -> dict:  # fmt: skip
    """Move many applications of one opening; each is checked against the table on its own
    and the answer says which moved and which were refused (and why)."""
    require(membership, "application.move")
    if not isinstance(application_ids, list | tuple) or not 0 < len(application_ids) <= MAX_BULK:
        raise _fail("applications", _("Choose 1-%(n)d applications.") % {"n": MAX_BULK})
    ids = list(dict.fromkeys(str(pk) for pk in application_ids))
    rows = {
        str(row.pk): row
        for row in Application.objects.filter(
            opening=opening, opening__organization_id=membership.organization_id, pk__in=[
                pk for pk in ids if _is_uuid(pk)
            ]
        )
    }  # fmt: skip
    if len(rows) != len(ids):
        raise NotFound(_("Some applications are not in this opening."))
    moved, refused = [], {}
    for pk in sorted(ids):  # one global order
        try:
            with transaction.atomic():
                application_move(actor=actor, membership=membership, application=rows[pk],
                                 stage=stage, reason=reason,
                                 candidate_message=candidate_message)  # fmt: skip
            moved.append(pk)
        except (Conflict, ValidationFailed) as exc:
            refused[pk] = {"code": exc.code, "message": exc.message}
    return {"moved": moved, "refused": refused}


def _is_uuid(value) -> bool:
    from .selectors import _uuid

    return _uuid(value) is not None


def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    reason = _clean_text(reason, "reason", max_length=MAX_REASON_LENGTH)
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("opening")
            .filter(pk=application.pk, candidate=actor)
            .first()
        )
        if locked is None:
            raise NotFound(_("Application not found."))
        stage = PipelineStage.objects.filter(
            organization_id=locked.opening.organization_id, kind=StageKind.WITHDRAWN
        ).first()
        process.apply_application(locked, stage, role=process.CANDIDATE, actor=actor,
                                  note=reason)  # fmt: skip
    return locked


def reject_due_knockouts(*, now=None) -> int:
    """Reject applications whose knockout delay has passed (the beat task; safe twice)."""
    now = now or timezone.now()
    done = 0
    due = Application.objects.filter(
        knockout_due_at__lte=now, status=StageKind.APPLIED, knocked_out=True
    ).values_list("pk", flat=True)[:500]
    for pk in list(due):
        with transaction.atomic():
            locked = (
                Application.objects.select_for_update(skip_locked=True)
                .select_related("opening", "stage")
                .filter(pk=pk, knockout_due_at__lte=now, status=StageKind.APPLIED)
                .first()
            )
            if locked is None:
                continue
            stage = PipelineStage.objects.get(
                organization_id=locked.opening.organization_id, kind=StageKind.REJECTED
            )
            process.apply_application(
                locked, stage, role=process.SYSTEM, actor=process.SYSTEM,
                note="Automatic: a knockout answer to a screening question.",
            )  # fmt: skip
            done += 1
    return done


# --- notes and scorecards --------------------------------------------------------------------

MENTION = re.compile(r"@([\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\w-]+)")


def _mentioned(organization_id, body: str) -> list:
    """Team members named as @email or @FirstName (when one member has that first name)."""
    tokens = {token.rstrip(".").lower() for token in MENTION.findall(body)}
    if not tokens:
        return []
    members = [
        m.user
        for m in Membership.objects.filter(organization_id=organization_id).select_related("user")
    ]
    found = []
    for user in members:
        first = user.first_name.lower()
        same_first = sum(1 for other in members if other.first_name.lower() == first)
        if user.email.lower() in tokens or (first in tokens and same_first == 1):
            found.append(user)
    return found


def note_add(*, actor, membership: Membership, application: Application, body) -> Note:
    require(membership, "application.note")
    body = _clean_text(body, "body", max_length=MAX_NOTE_LENGTH, required=True)
    with transaction.atomic():
        locked = _lock_application(membership, application)
        note = Note.objects.create(application=locked, author=actor, body=body)
        mentioned = [user for user in _mentioned(membership.organization_id, body)
                     if user.pk != actor.pk]  # fmt: skip
        note.mentions.set(mentioned)
        audit(actor=actor, action="recruiting.note_added", target=locked,
              details={"note": str(note.pk), "mentions": len(mentioned)})  # fmt: skip
        if mentioned:
            publish(
                "recruiting.note_mention",
                payload={**process.application_payload(locked), "note_id": str(note.pk),
                         "author_name": actor.get_full_name(),
                         "mentioned_ids": [str(user.pk) for user in mentioned]},
                actor=actor,
            )  # fmt: skip
    return note


def scorecard_submit(
    *, actor, membership: Membership, application: Application, ratings, recommendation,
    comment: str = "",
) -> Scorecard:  # fmt: skip
    require(membership, "scorecard.submit")
    names = [name for name, _label in SCORECARD_CRITERIA]
    if not isinstance(ratings, dict) or set(ratings) != set(names):
        raise _fail("ratings", _("Rate every criterion: %(names)s.") % {"names": ", ".join(names)})
    for name, value in ratings.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 4:
            raise _fail(f"ratings.{name}", _("A rating is a whole number from 1 to 4."))
    if recommendation not in Recommendation.values:
        raise _fail("recommendation", _("Choose a recommendation."))
    comment = _clean_text(comment, "comment", max_length=MAX_NOTE_LENGTH)
    with transaction.atomic():
        locked = _lock_application(membership, application)
        if Scorecard.objects.filter(application=locked, author=actor).exists():
            raise Conflict(_("You have already submitted your scorecard."),
                           code="scorecard_submitted")  # fmt: skip
        card = Scorecard.objects.create(application=locked, author=actor, ratings=dict(ratings),
                                        recommendation=recommendation, comment=comment)  # fmt: skip
        audit(actor=actor, action="recruiting.scorecard_submitted", target=locked,
              details={"recommendation": recommendation})  # fmt: skip
    return card


# --- offers ----------------------------------------------------------------------------------

OFFER_VARIABLES = ("name", "opening", "company", "salary", "start_date", "expires")
DEFAULT_OFFER_TEMPLATE = (
    "Dear {name},\n\nWe are happy to offer you the position of **{opening}** at {company}, "
    "starting on {start_date}, with a salary of {salary}.\n\nPlease answer by {expires}."
)
MAX_OFFER_DAYS = 60


def _render_letter(offer: Offer) -> str:
    application = offer.application
    values = {
        "name": application.candidate.get_full_name() or application.candidate.email,
        "opening": application.opening.title,
        "company": application.opening.organization.name,
        "salary": offer.salary_text,
        "start_date": offer.start_date.isoformat(),
        "expires": offer.expires_at.date().isoformat(),
    }
    pattern = r"\{(" + "|".join(OFFER_VARIABLES) + r")\}"
    return re.sub(pattern, lambda m: values[m.group(1)], offer.template)


def offer_create(
    *, actor, membership: Membership, application: Application, salary, currency, period,
    start_date, expires_at, template: str = "", now=None,
) -> Offer:  # fmt: skip
    require(membership, "offer.manage")
    now = now or timezone.now()
    template = _clean_text(template or DEFAULT_OFFER_TEMPLATE, "template",
                           max_length=MAX_DESCRIPTION_LENGTH, required=True)  # fmt: skip
    errors: dict = {}
    if (
        not isinstance(salary, int)
        or isinstance(salary, bool)
        or not 0 < salary <= MAX_SALARY_MINOR
    ):
        errors["salary"] = [_("Enter a positive amount in minor units.")]
    if currency not in Currency.values:
        errors["currency"] = [_("Choose a currency.")]
    if period not in SalaryPeriod.values:
        errors["period"] = [_("Choose a period.")]
    if not isinstance(start_date, date) or start_date < now.date():
        errors["start_date"] = [_("The start date cannot be in the past.")]
    if not isinstance(expires_at, datetime) or not (
        now < expires_at <= now + timedelta(days=MAX_OFFER_DAYS)
    ):
        errors["expires_at"] = [
            _("The answer deadline is in the next %(n)d days.") % {"n": MAX_OFFER_DAYS}
        ]
    if errors:
        raise ValidationFailed(details=errors)
    with transaction.atomic():
        locked = _lock_application(membership, application)
        if locked.status != StageKind.OFFER:
            raise Conflict(_("Move the application to the offer stage first."),
                           code="not_in_offer_stage")  # fmt: skip
        if locked.offers.filter(status__in=LIVE_OFFER).exists():
            raise Conflict(_("This application has an offer in progress."), code="offer_exists")
        offer = Offer.objects.create(
            application=locked, created_by=actor, salary=salary, currency=currency,
            period=period, start_date=start_date, expires_at=expires_at, template=template,
        )  # fmt: skip
        audit(actor=actor, action="recruiting.offer_created", target=offer,
              details={"application": str(locked.pk)})  # fmt: skip
    return offer


LIVE_OFFER = (OfferStatus.DRAFT, OfferStatus.APPROVED, OfferStatus.SENT)


def _lock_offer(offer: Offer, **scope) -> Offer:
    locked = (
        Offer.objects.select_for_update()
        .select_related("application__opening__organization", "application__candidate")
        .filter(pk=offer.pk, **scope)
        .first()
    )
    if locked is None:
        raise NotFound(_("Offer not found."))
    return locked


def offer_transition(*, actor, membership: Membership, offer: Offer, name: str) -> Offer:
    """approve (offer.approve), send and withdraw (offer.manage)."""
    require(membership, "offer.approve" if name == "approve" else "offer.manage")
    with transaction.atomic():
        Opening.objects.select_for_update().filter(pk=offer.application.opening_id).first()
        Application.objects.select_for_update().filter(pk=offer.application_id).first()
        locked = _lock_offer(
            offer, application__opening__organization_id=membership.organization_id
        )
        if name == "send":
            if locked.expires_at <= timezone.now():
                raise Conflict(_("The answer deadline has passed: make a new offer."),
                               code="offer_expired")  # fmt: skip
            locked.letter = _render_letter(locked)
            locked.save(update_fields=["letter", "updated_at"])
        if name == "approve":
            locked.approved_by = actor
            locked.save(update_fields=["approved_by", "updated_at"])
        process.apply_offer(locked, name, role=process.TEAM, actor=actor)
    return locked


def offer_answer(*, actor, offer: Offer, accept: bool, reason: str = "") -> Offer:
    """The candidate accepts (the application is hired; the last position closes the
    opening) or declines."""
    reason = _clean_text(reason, "reason", max_length=MAX_REASON_LENGTH)
    with transaction.atomic():
        # Opening, application, offer: the same order as every other writer.
        Opening.objects.select_for_update().filter(pk=offer.application.opening_id).first()
        application = (
            Application.objects.select_for_update()
            .select_related("opening__organization", "stage")
            .filter(pk=offer.application_id, candidate=actor)
            .first()
        )
        if application is None:
            raise NotFound(_("Offer not found."))
        locked = _lock_offer(offer, application__candidate=actor)
        if not accept:
            locked.decline_reason = reason
            locked.save(update_fields=["decline_reason", "updated_at"])
            process.apply_offer(locked, "decline", role=process.CANDIDATE, actor=actor)
            return locked
        process.apply_offer(locked, "accept", role=process.CANDIDATE, actor=actor)
        hired = PipelineStage.objects.get(
            organization_id=application.opening.organization_id, kind=StageKind.HIRED
        )
        process.apply_application(application, hired, role=process.SYSTEM, actor=actor,
                                  note="Offer accepted")  # fmt: skip
        _after_move(application, actor=actor)
    return locked


def expire_offers(*, now=None) -> int:
    """Sent offers past their deadline expire (the beat task; safe twice)."""
    now = now or timezone.now()
    done = 0
    for pk in list(Offer.objects.filter(status=OfferStatus.SENT, expires_at__lte=now)
                   .values_list("pk", flat=True)[:500]):  # fmt: skip
        with transaction.atomic():
            locked = (
                Offer.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=OfferStatus.SENT, expires_at__lte=now)
                .select_related("application__opening")
                .first()
            )
            if locked is None:
                continue
            process.apply_offer(locked, "expire", role=process.SYSTEM, actor=process.SYSTEM)
            done += 1
    return done


def application_submit_as_guest(
    *, opening: Opening, email, first_name, last_name: str = "", password, cv, answers=None,
    cover_letter: str = "", language: str = "en",
) -> Application | None:  # fmt: skip
    """Apply without an account: the CV is required; an account is created and emailed a
    verification link (``accounts.services.user_signup``), and the application belongs to it.

    For an address that already has an account nothing is created (its owner is emailed by the
    sign-up service) and the result is None; callers answer exactly as for a new account, so
    applying does not tell who is registered."""
    from craftwork.accounts import services as account_services

    if cv is None:
        raise _fail("cv", _("Attach your CV."))
    check_document(cv)
    if opening.status != OpeningStatus.OPEN:
        raise Conflict(_("This opening is not taking applications."), code="opening_not_open")
    _clean_answers(opening, answers)  # refuse bad answers before an account is made
    with transaction.atomic():
        user = account_services.user_signup(
            email=email, password=password, first_name=first_name, last_name=last_name,
            roles=["freelancer"], language=language,
        )  # fmt: skip
        if user is None:
            return None
        return application_submit(actor=user, opening=opening, answers=answers,
                                  cover_letter=cover_letter, cv=cv)  # fmt: skip
