"""The acknowledgment through the real chain: Redis, a `celery worker` process, SMTP."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from feedback.models import OutboundMessage
from portal.celery import app
from tests.factories import submit_item

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 60


class Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode(errors="replace")))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def live_database_url():
    """The live test database, so the worker sees the rows this test commits."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def smtp_sink():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@pytest.fixture
def celery_worker(smtp_sink, tmp_path):
    port, _ = smtp_sink
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": live_database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "PORTAL_VAR_DIR": str(tmp_path),
        "CELERY_WORKER_TESTS": "1",
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            *("-m", "celery", "-A", "portal", "worker"),
            *("--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("--loglevel", "INFO"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield worker, tmp_path / "worker.log"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        log.close()


@pytest.fixture
def tasks_to_broker():
    """This process hands tasks to Redis instead of running them in place."""
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = was_eager


def test_acknowledgment_arrives_through_smtp(
    tasks_to_broker, smtp_sink, celery_worker, tenant_a, user1
):
    assert os.environ.get("REDIS_URL"), "the services suite needs REDIS_URL"
    _, inbox = smtp_sink
    worker, log_path = celery_worker

    item = submit_item(tenant_a, user1, title="Invoices export times out")

    deadline = time.monotonic() + DEADLINE_SECONDS
    while not inbox.messages and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.2)
    log = log_path.read_text()
    assert inbox.messages, f"no mail within {DEADLINE_SECONDS}s; worker log:\n{log}"
    [(recipients, content)] = inbox.messages
    assert recipients == ["user1@a.test"]
    assert f"Subject: [{item.key}] We received your feedback: Invoices export times out" in content
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in content
    row = OutboundMessage.objects.for_tenant(tenant_a).get()
    while row.status != "sent" and time.monotonic() < deadline:
        time.sleep(0.2)
        row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
