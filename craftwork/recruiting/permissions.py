"""What each workspace role may do. The table is data: docs/recruiting.md shows it and a test
keeps the two the same. ``recruiting.selectors.workspace_for`` is the one gate; services call
``require`` with the permission they need."""

from django.utils.translation import gettext_lazy as _

from craftwork.accounts.models import Membership
from craftwork.core.errors import PermissionDenied

Role = Membership.Role

OWNER, ADMIN, RECRUITER, HIRING_MANAGER, INTERVIEWER, FINANCE = (
    Role.OWNER,
    Role.ADMIN,
    Role.RECRUITER,
    Role.HIRING_MANAGER,
    Role.INTERVIEWER,
    Role.FINANCE,
)
EVERYONE = frozenset(Role.values)

# permission -> (the roles that hold it, what it allows)
PERMISSIONS: dict[str, tuple[frozenset, str]] = {
    "workspace.view": (EVERYONE, "See the workspace, its members and its openings"),
    "workspace.manage": (frozenset({OWNER, ADMIN}), "Rename, invite members, change roles"),
    "pipeline.configure": (
        frozenset({OWNER, ADMIN, RECRUITER}),
        "Add stages to the pipeline",
    ),
    "opening.manage": (
        frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),
        "Create and edit openings, screening questions and the hiring team; open, pause, close",
    ),
    "application.view": (
        frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER, INTERVIEWER}),
        "See applications, CVs, answers and the board",
    ),
    "application.move": (
        frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),
        "Move applications between stages, reject them (one by one or in bulk)",
    ),
    "application.note": (
        frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER, INTERVIEWER}),
        "Write team notes (with @mentions)",
    ),
    "offer.manage": (
        frozenset({OWNER, ADMIN, RECRUITER}),
        "Draft offers, send approved ones, withdraw them",
    ),
    "offer.approve": (
        frozenset({OWNER, ADMIN, HIRING_MANAGER}),
        "Approve an offer before it is sent",
    ),
    "scorecard.submit": (
        frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER, INTERVIEWER}),
        "Fill in one's own scorecard",
    ),
    "scorecard.view_all": (
        frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),
        "See every scorecard at once (interviewers see others' after submitting their own)",
    ),
}


def has(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission][0]


def require(membership, permission: str) -> None:
    if not has(membership.role, permission):
        raise PermissionDenied(
            _("Your role in this workspace does not allow this."),
            code="role_not_allowed",
            details={"permission": permission, "role": membership.role},
        )


def markdown_table() -> str:
    """The permission table for docs/recruiting.md."""
    roles = list(Role.values)
    lines = [
        "| Permission | What it allows | " + " | ".join(roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for name, (holders, text) in PERMISSIONS.items():
        marks = " | ".join("✓" if role in holders else "—" for role in roles)
        lines.append(f"| `{name}` | {text} | {marks} |")
    return "\n".join(lines)
