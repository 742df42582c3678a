"""Celery finds the feedback app's tasks here (app.autodiscover_tasks)."""

from feedback.notifications.tasks import outbox_deliver, outbox_dispatch_event, outbox_sweep

__all__ = ["outbox_deliver", "outbox_dispatch_event", "outbox_sweep"]
