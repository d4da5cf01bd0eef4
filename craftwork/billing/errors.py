from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import Conflict, ValidationFailed


class NotEnoughCredits(Conflict):
    """The wallet holds fewer credits than the action costs; nothing was charged or done."""

    code = "insufficient_credits"
    default_message = _("You do not have enough credits for this.")


class UnknownCreditAction(ValidationFailed):
    code = "unknown_credit_action"
    default_message = _("This action has no credit price.")


class InvalidPlan(ValidationFailed):
    code = "invalid_plan"
    default_message = _("The plan is not valid.")
