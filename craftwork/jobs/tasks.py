from celery import shared_task

from . import services


@shared_task
def expire_job_invitations() -> int:
    """Beat: pending invitations past their expiry become expired (safe to run twice)."""
    return services.invitations_expire()
