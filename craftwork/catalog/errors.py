"""Catalog refusals with stable codes (the API returns them as ``error.code``)."""

from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed


class NotFreelancer(PermissionDenied):
    code = "not_freelancer"
    default_message = _("Add the freelancer role to your account first.")


class GigRemoved(InvalidTransition):
    code = "gig_removed"
    default_message = _("Staff removed this gig; it can no longer be changed.")


class GigIncomplete(ValidationFailed):
    code = "gig_incomplete"
    default_message = _("The gig is not ready to publish yet.")


class SlotInPast(ValidationFailed):
    code = "slot_in_past"
    default_message = _("This time has already passed.")


class SlotWithinNotice(ValidationFailed):
    code = "slot_within_notice"
    default_message = _("This time is too soon: the mentor needs more notice.")


class SlotBeyondHorizon(ValidationFailed):
    code = "slot_beyond_horizon"
    default_message = _("This time is too far ahead to book yet.")


class SlotUnavailable(ValidationFailed):
    code = "slot_unavailable"
    default_message = _("The mentor is not available at this time.")


class SlotTaken(Conflict):
    code = "slot_taken"
    default_message = _("Someone has just booked this time. Please choose another one.")


class OfferingUnavailable(Conflict):
    code = "offering_unavailable"
    default_message = _("This session cannot be booked at the moment.")


class OwnOffering(PermissionDenied):
    code = "own_offering"
    default_message = _("You cannot book your own session.")
