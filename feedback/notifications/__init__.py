"""Email notifications through an outbox: rows written with the event, sent by Celery."""
