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


def apply_changes(obj, cleaned: dict, *, actor, action: str) -> list[str]:
    """Set the fields of ``cleaned`` that differ on ``obj`` (a row the caller has locked), save
    only those and audit ``action`` with their names. Returns them; empty means nothing written."""
    changed = [name for name, value in cleaned.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, cleaned[name])
    if changed:
        obj.save(update_fields=[*changed, "updated_at"])
        audit(actor=actor, action=action, target=obj, details={"fields": changed})
    return changed
