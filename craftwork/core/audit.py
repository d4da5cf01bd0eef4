"""The audit log helper every service calls inside its transaction."""

from .context import current_ip, current_user_agent
from .models import AuditLog


def audit(*, actor, action: str, target=None, details: dict | None = None) -> AuditLog:
    """Record ``actor`` doing ``action`` to ``target``; IP and user agent come from the request context."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=actor_obj,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip_address=current_ip.get(),
        user_agent=current_user_agent.get(),
        details=details or {},
    )
