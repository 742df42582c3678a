"""Celery finds the feedback app's tasks here (app.autodiscover_tasks)."""

from celery import shared_task

from feedback.notifications.tasks import outbox_deliver, outbox_dispatch_event, outbox_sweep

__all__ = ["outbox_deliver", "outbox_dispatch_event", "outbox_sweep", "surveys_send_due"]


@shared_task(ignore_result=True)
def surveys_send_due() -> int:
    """Beat, every 5 minutes: send the surveys that are due (no ETA tasks, BC-15)."""
    from feedback.surveys import surveys_send_due as send_due

    return send_due()
