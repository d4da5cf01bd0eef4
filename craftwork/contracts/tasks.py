from celery import shared_task

from . import services


@shared_task
def run_due_timers() -> int:
    """Auto-approve submitted milestones and timesheets whose review window has passed."""
    return services.run_due_timers()
