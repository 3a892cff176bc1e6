"""The worker: the tasks the queue runs (deliver a message, run a job, the schedule's tick) and the
schedule itself, which finds again any work the queue lost and sends the reminders due."""
import logging
import threading
import time
from contextlib import contextmanager
from datetime import datetime

from flask import Flask, current_app, g

from fundapp.columns import utcnow
from fundapp.extensions import db
from fundapp.notifications import background, outbox, queue, reminders

log = logging.getLogger(__name__)
_last_reminders: dict[str, float] = {}


@contextmanager
def worker_context(app: Flask):
    """What a task runs in: the app, links built to the public address, a write lock taken as each
    transaction begins (as outside any request), and a session closed at the end."""
    with app.test_request_context("/", base_url=app.config["PUBLIC_URL"]):
        g.write_lock = True
        try:
            yield
        finally:
            db.session.remove()


def deliver(message_id: int) -> None:
    """Task: mail one message of the outbox."""
    with worker_context(current_app._get_current_object()):
        outbox.deliver(message_id)


def run_job(job_id: int) -> None:
    """Task: run one background job."""
    with worker_context(current_app._get_current_object()):
        background.run(job_id)


def tick(now: datetime | None = None) -> None:
    """Task: the schedule's round: retry the messages due, run the jobs no worker holds, and once an
    hour send the reminders due today (each is sent once per period, whoever runs them)."""
    app = current_app._get_current_object()
    with worker_context(app):
        now = now or utcnow()
        if app.config.get("MAIL_SERVER"):
            for message_id in outbox.due_ids(now):
                _each(outbox.deliver, message_id, now)
        for job_id in background.due_ids(now):
            _each(background.run, job_id, now)
        background.give_up(now)
        interval = app.config["REMINDER_INTERVAL"]
        if interval is not None and time.monotonic() - _last_reminders.get(app.name, -interval) >= interval:
            _last_reminders[app.name] = time.monotonic()
            reminders.send_due(now.date())


def _each(step, item_id: int, now: datetime) -> None:
    # one message or job that breaks is logged; the round goes on with the others
    try:
        step(item_id, now)
    except Exception:
        db.session.rollback()
        log.exception("%s of %s failed", step.__qualname__, item_id)


TASKS = {"deliver": deliver, "run_job": run_job, "tick": tick}


def run_task(app: Flask, name: str, args: tuple) -> None:
    """Run a task in the app (the embedded worker); a failure is logged, never raised into the thread."""
    with app.app_context():
        try:
            TASKS[name](*args)
        except Exception:
            log.exception("task %s%r failed", name, args)


def schedule(app: Flask, stopped: threading.Event) -> None:
    """The schedule of a worker on Redis: every WORKER_INTERVAL seconds one worker, whichever takes the
    round's lock first, queues the tick."""
    interval = app.config["WORKER_INTERVAL"]
    while not stopped.wait(interval):
        try:
            if queue.redis_connection(app).set("fundapp:tick", "1", nx=True, ex=max(1, int(interval) - 1)):
                with app.app_context():
                    queue.submit("tick")
        except Exception:
            log.exception("the schedule could not reach Redis")


def work(app: Flask, burst: bool = False) -> None:
    """Run a worker until stopped (or, with burst, run what is queued and due, then stop)."""
    mode = app.config["JOB_QUEUE"]
    if mode != "redis":
        while True:
            run_task(app, "tick", ())
            if burst:
                return
            time.sleep(app.config["WORKER_INTERVAL"])
    from rq import SimpleWorker

    run_task(app, "tick", ())
    stopped = threading.Event()
    if not burst:
        threading.Thread(target=schedule, args=(app, stopped), name="fundapp-schedule", daemon=True).start()
    try:
        # SimpleWorker runs each task in this process, in the app context the command pushed.
        SimpleWorker([queue.rq_queue(app, queue.MAIL_QUEUE), queue.rq_queue(app)],
                     connection=queue.redis_connection(app)).work(
            burst=burst, with_scheduler=False, logging_level="INFO")
    finally:
        stopped.set()
