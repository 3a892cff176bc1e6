"""The outbox against a real mail server on loopback (aiosmtpd) and the real Redis: mail leaves only after
the change that wrote it commits, a mail server that is down gets the message once it is back, retries
grow, a worker killed mid-send loses nothing and sends once, a request never waits on the mail server."""
import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from fundapp.extensions import db as _db
from fundapp.notifications import outbox, queue, worker
from fundapp.notifications.models import OutboxMessage
from tests.factories import FounderFactory
from tests.mailbox import Mailbox

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SlowMailbox(Mailbox):
    """A mail server that takes its time over each recipient, and says when it began."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay
        self.receiving = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.receiving.set()
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"


def serve(box: Mailbox, port: int) -> Controller:
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def write_message(app, recipient="zoe@example.org", subject="Hello") -> int:
    with app.app_context():
        message = outbox.send(recipient, subject, "Body")
        _db.session.commit()
        return message.id


def message(db, message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_mail_leaves_after_commit_and_never_after_a_rollback(mail_app, mailbox, db):
    with mail_app.app_context():
        outbox.send("kept@example.org", "Kept", "Body")
        time.sleep(0.3)                          # written, not committed: nothing may leave yet
        assert mailbox.messages == []
        _db.session.commit()
        outbox.send("dropped@example.org", "Dropped", "Body")
        _db.session.rollback()
    assert [m["Subject"] for m in mailbox.to("kept@example.org")] == ["Kept"]
    assert mailbox.to("dropped@example.org", wait=0.5) == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_a_refused_request_sends_nothing(mail_app, mailbox, db):
    """A request whose change rolls back (here a registration refused for its weak password, after the
    address check) leaves nothing in the outbox and mails nothing."""
    founder = FounderFactory(email="taken@example.org")
    db.session.commit()
    answer = mail_app.test_client().post("/register", data={
        "email": founder.email, "name": "Someone", "password": "short", "language": "en"})
    assert answer.status_code in (200, 422)
    assert mailbox.to(founder.email, wait=0.5) == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_mail_server_down_then_up_gets_the_message_on_its_next_try(make_app, db):
    port = free_port()                           # nothing listens there yet
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    message_id = write_message(app)
    with app.app_context():
        worker.tick(T0)
    first = message(db, message_id)
    assert (first.status, first.tries, first.sent_at) == ("pending", 1, None)
    assert "refused" in first.last_error.lower() or "connect" in first.last_error.lower()
    assert first.next_attempt_at == T0 + timedelta(seconds=60)
    box = Mailbox()
    controller = serve(box, port)
    try:
        with app.app_context():
            worker.tick(T0 + timedelta(seconds=59))      # not due yet: not tried
        assert message(db, message_id).tries == 1 and box.messages == []
        with app.app_context():
            worker.tick(T0 + timedelta(seconds=60))
    finally:
        controller.stop()
    sent = message(db, message_id)
    assert (sent.status, sent.tries) == ("sent", 2)
    assert [m["Subject"] for m in box.messages] == ["Hello"]
    assert box.messages[0]["Message-ID"] == f"<{sent.send_key}@fundapp>"


def test_tries_grow_over_hours_then_stop_and_an_admin_can_try_again(make_app, db):
    port = free_port()
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    message_id = write_message(app)
    now, tried_at = T0, []
    while message(db, message_id).status == "pending":
        with app.app_context():
            worker.tick(now)
        tried_at.append(now)
        now = message(db, message_id).next_attempt_at or now
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(tried_at, tried_at[1:], strict=False)]
    assert gaps == [60, 300, 900, 1800, 3600, 7200]
    assert len(tried_at) == 7 and tried_at[-1] - tried_at[0] >= timedelta(hours=1)
    failed = message(db, message_id)
    assert (failed.status, failed.tries) == ("failed", 7) and failed.last_error
    with app.app_context():
        worker.tick(now + timedelta(days=1))            # a failed message waits for a person
    assert message(db, message_id).tries == 7
    box = Mailbox()
    controller = serve(box, port)
    try:
        with app.app_context():
            outbox.retry(_db.session.get(OutboxMessage, message_id))
            _db.session.commit()
            worker.tick(now + timedelta(days=1))
    finally:
        controller.stop()
    assert message(db, message_id).status == "sent" and len(box.messages) == 1


def test_the_admin_outbox_shows_status_tries_and_the_last_error_and_tries_again(make_app, db, login_as):
    port = free_port()
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    message_id = write_message(app, subject="Call notice")
    with app.app_context():
        worker.tick(T0)
    client = app.test_client()
    from tests.conftest import sign_in
    from tests.factories import AdminFactory
    admin = AdminFactory()
    db.session.commit()
    sign_in(client, admin)
    page = client.get("/admin/outbox?status=pending").get_data(as_text=True)
    assert "Call notice" in page and "Waiting" in page and "Try again now" in page
    assert "ConnectionRefusedError" in page
    assert "Call notice" not in client.get("/admin/outbox?status=sent").get_data(as_text=True)
    answer = client.post(f"/admin/outbox/{message_id}/retry")
    assert answer.status_code == 302
    retried = message(db, message_id)
    assert (retried.status, retried.next_attempt_at) == ("pending", None)


def test_two_workers_at_once_send_each_message_once(make_app, db):
    box = Mailbox()
    port = free_port()
    controller = serve(box, port)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        for number in range(20):
            outbox.send(f"p{number}@example.org", f"Message {number}", "Body")
        _db.session.commit()
    try:
        rounds = [threading.Thread(target=lambda: worker.run_task(app, "tick", (T0,))) for _ in range(2)]
        for each in rounds:
            each.start()
        for each in rounds:
            each.join(60)
    finally:
        controller.stop()
    assert sorted(m["Subject"] for m in box.messages) == sorted(f"Message {n}" for n in range(20))
    assert set(db.session.scalars(select(OutboxMessage.tries))) == {1}


def test_a_request_never_waits_on_a_mail_server_that_does_not_answer(make_app, db):
    """A mail server that accepts connections and never answers holds the worker up to its timeout; the
    request that wrote the message answers at once, and the message is sent once the server is back."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(50)                              # connections are accepted by the system, never answered
    port = silent.getsockname()[1]
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2, JOB_QUEUE="embedded")
    founder = FounderFactory(email="zoe@example.org")
    db.session.commit()
    client = app.test_client()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        answer = client.post("/password/forgot", data={"email": founder.email})
        timings.append(time.perf_counter() - started)
        assert answer.status_code == 200
    assert max(timings) < 1.0, timings
    queue.stop_embedded(app)
    silent.close()


@pytest.fixture
def redis_app(make_app):
    """An app whose work goes through RQ on the real Redis (its own database, emptied first)."""
    from redis import Redis
    Redis.from_url(REDIS_URL).flushdb()

    def make(**overrides):
        return make_app(JOB_QUEUE="redis", REDIS_URL=REDIS_URL, **overrides)
    yield make
    Redis.from_url(REDIS_URL).flushdb()


def test_through_redis_a_committed_message_is_queued_and_a_worker_sends_it(redis_app, mailbox, db):
    app = redis_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    with app.app_context():
        outbox.send("rolled@example.org", "Rolled back", "Body")
        _db.session.rollback()
        assert queue.rq_queue(app, queue.MAIL_QUEUE).count == 0
    message_id = write_message(app)
    with app.app_context():
        assert queue.rq_queue(app, queue.MAIL_QUEUE).count == 1
        worker.work(app, burst=True)
    assert [m["Subject"] for m in mailbox.to("zoe@example.org")] == ["Hello"]
    assert mailbox.to("rolled@example.org", wait=0.2) == []
    assert message(db, message_id).status == "sent"


def _worker_process(app, port: int) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                   "SECRET_KEY": "test-secret-key", "SEAL_KEY": "test-seal-key", "JOB_QUEUE": "redis",
                   "REDIS_URL": REDIS_URL, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
                   "OUTBOX_LEASE_SECONDS": "2", "WORKER_INTERVAL": "0.5",
                   "INSTANCE_PATH": app.instance_path, "FUNDAPP_ENV": "development"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT,
                            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_worker_killed_mid_send_loses_nothing_and_the_next_one_sends_it_once(redis_app, db):
    box = SlowMailbox(delay=3.0)
    port = free_port()
    controller = serve(box, port)
    app = redis_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    message_id = write_message(app, subject="Survives")
    first = _worker_process(app, port)
    try:
        assert box.receiving.wait(60), "the worker never reached the mail server"
        first.send_signal(signal.SIGKILL)            # mid-send: the server has not taken the message
        first.wait(10)
        held = message(db, message_id)
        assert (held.status, held.tries) == ("pending", 1) and box.messages == []
        box.delay = 0
        second = _worker_process(app, port)
        try:
            deadline = time.monotonic() + 60
            while message(db, message_id).status != "sent" and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.5)                          # a few more schedule rounds: nothing is sent again
        finally:
            second.terminate()
            second.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        controller.stop()
    sent = message(db, message_id)
    assert (sent.status, sent.tries) == ("sent", 2)
    assert [m["Subject"] for m in box.messages] == ["Survives"]


def test_a_subject_is_one_line_and_a_message_no_mail_can_carry_fails_alone(make_app, db):
    """A line break a user put in a name is a space in the subject; a message no mail can carry (written
    before that rule) fails at once with its error, and the round goes on with the others."""
    box = Mailbox()
    port = free_port()
    controller = serve(box, port)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        clean = outbox.send("a@example.org", "Evil Co\r\nBcc: attacker@evil.example", "Body")
        poisoned = OutboxMessage(recipient="b@example.org", subject="Broken\r\nBcc: x@evil.example", body="-",
                                 send_key="poisoned")
        _db.session.add(poisoned)
        _db.session.commit()
        clean_id, poisoned_id = clean.id, poisoned.id
        after = outbox.send("c@example.org", "After", "Body").id
        _db.session.commit()
    try:
        with app.app_context():
            worker.tick(T0)
    finally:
        controller.stop()
    assert message(db, clean_id).subject == "Evil Co Bcc: attacker@evil.example"
    broken = message(db, poisoned_id)
    assert (broken.status, broken.tries) == ("failed", 1) and broken.last_error.startswith("ValueError")
    assert message(db, after).status == "sent"
    assert sorted(m["To"] for m in box.messages) == ["a@example.org", "c@example.org"]
    assert all(m["Bcc"] is None for m in box.messages)
