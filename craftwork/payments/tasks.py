from celery import shared_task

from . import services


@shared_task
def release_matured_earnings() -> int:
    """Pending earnings past the clearing period become available (idempotent per earning)."""
    return services.pending_to_available()
