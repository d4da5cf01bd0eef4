from celery import shared_task


@shared_task
def reject_due_knockouts() -> int:
    from .services import reject_due_knockouts as run

    return run()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_rejection_email(application_id: str, text: str) -> None:
    from .emails import send_rejection_email as send

    send(application_id, text)


@shared_task
def expire_offers() -> int:
    from .services import expire_offers as run

    return run()
