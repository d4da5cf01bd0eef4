"""Every write to jobs, proposals and invitations (see the modules for the rules)."""

from .invitations import (
    invitation_accept,
    invitation_decline,
    invitation_send,
    invitation_withdraw,
    invitations_expire,
)
from .jobs import (
    job_attachment_add,
    job_attachment_remove,
    job_cancel,
    job_close,
    job_create,
    job_publish,
    job_remove,
    job_update,
)
from .proposals import (
    proposal_accept,
    proposal_attachment_add,
    proposal_attachment_remove,
    proposal_decline,
    proposal_shortlist,
    proposal_submit,
    proposal_unshortlist,
    proposal_update,
    proposal_withdraw,
)

__all__ = [
    "invitation_accept",
    "invitation_decline",
    "invitation_send",
    "invitation_withdraw",
    "invitations_expire",
    "job_attachment_add",
    "job_attachment_remove",
    "job_cancel",
    "job_close",
    "job_create",
    "job_publish",
    "job_remove",
    "job_update",
    "proposal_accept",
    "proposal_attachment_add",
    "proposal_attachment_remove",
    "proposal_decline",
    "proposal_shortlist",
    "proposal_submit",
    "proposal_unshortlist",
    "proposal_update",
    "proposal_withdraw",
]
