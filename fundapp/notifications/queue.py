"""The job queue: work handed to a worker once the transaction that asked for it has committed.

JOB_QUEUE chooses where the work runs:
- "redis": RQ over Redis; `flask --app wsgi worker` runs the workers, on as many hosts as needed;
- "embedded": a thread of this process (the default without Redis; `flask --app wsgi demo` uses it);
- "manual": nowhere until fundapp.notifications.worker.tick() runs it (tests, with a clock they set).

The database holds every piece of work (the outbox, the background jobs): a job lost by the queue
(Redis down, a worker killed) is found again by the worker's schedule, so the queue only makes work
start sooner. Nothing here waits on the queue for long: a queue that cannot be reached is logged.
"""
import logging
import queue as threads_queue
import threading

from flask import Flask, current_app
from sqlalchemy.orm import Session

from fundapp.database import listen
from fundapp.extensions import db

QUEUE_NAME = "fundapp"
MAIL_QUEUE = "fundapp-mail"     # read first by every worker: a message never waits behind a long task
_AFTER_COMMIT = "fundapp.notifications.queue.after_commit"
log = logging.getLogger(__name__)


def after_commit(task: str, *args) -> None:
    """Run the task (a function of fundapp.notifications.worker) once this transaction commits; nothing
    runs if it rolls back."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append((task, args))


def submit(task: str, *args) -> None:
    """Hand the task to the queue now."""
    app = current_app._get_current_object()
    mode = app.config["JOB_QUEUE"]
    if mode == "redis":
        try:
            name = MAIL_QUEUE if task == "deliver" else QUEUE_NAME
            rq_queue(app, name).enqueue(f"fundapp.notifications.worker.{task}", *args, job_timeout=3600,
                                        result_ttl=0, failure_ttl=86400)
        except Exception:  # noqa: BLE001  (the schedule finds the work again: a request must not fail)
            log.exception("the queue could not be reached; the worker's schedule will run %s", task)
    elif mode == "embedded":
        EmbeddedWorker.of(app).put(task, args)


def redis_connection(app: Flask):
    """The Redis connection of the queue, shared by the app's threads; it gives up quickly when Redis
    is down, so that a request never waits on it."""
    from redis import Redis

    if "fundapp.redis" not in app.extensions:
        app.extensions["fundapp.redis"] = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2,
                                                         socket_timeout=5)
    return app.extensions["fundapp.redis"]


def rq_queue(app: Flask, name: str = QUEUE_NAME):
    """An RQ queue the workers read."""
    from rq import Queue

    return Queue(name, connection=redis_connection(app))


class EmbeddedWorker:
    """Two threads per process, each running its tasks in turn in an app context: one mails (so that a
    long task never holds a message back), the other runs the rest and the schedule every
    WORKER_INTERVAL seconds."""

    _lock = threading.Lock()

    def __init__(self, app: Flask):
        self.app = app
        self.lanes = {"mail": threads_queue.Queue(), "work": threads_queue.Queue()}
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(lane,), name=f"fundapp-{lane}", daemon=True)
                        for lane in self.lanes]
        for thread in self.threads:
            thread.start()

    @classmethod
    def of(cls, app: Flask) -> "EmbeddedWorker":
        """The app's embedded worker, started on first use."""
        with cls._lock:
            if "fundapp.embedded_worker" not in app.extensions:
                app.extensions["fundapp.embedded_worker"] = cls(app)
            return app.extensions["fundapp.embedded_worker"]

    def put(self, task: str, args: tuple) -> None:
        self.lanes["mail" if task == "deliver" else "work"].put((task, args))

    def stop(self) -> None:
        self.stopped.set()
        for lane in self.lanes.values():
            lane.put(None)
        for thread in self.threads:
            thread.join(timeout=30)

    def idle(self) -> bool:
        """Whether every submitted task has run."""
        return all(lane.unfinished_tasks == 0 for lane in self.lanes.values())

    def _run(self, lane: str) -> None:
        from fundapp.notifications import worker

        tasks = self.lanes[lane]
        while not self.stopped.is_set():
            try:
                item = tasks.get(timeout=self.app.config["WORKER_INTERVAL"])
            except threads_queue.Empty:
                if lane == "work":
                    worker.run_task(self.app, "tick", ())
                continue
            try:
                if item is not None:
                    worker.run_task(self.app, *item)
            finally:
                tasks.task_done()


def stop_embedded(app: Flask) -> None:
    """Stop the app's embedded worker, if it started (tests, at the end)."""
    running = app.extensions.pop("fundapp.embedded_worker", None)
    if running is not None:
        running.stop()


def _after_commit(session: Session) -> None:
    for task, args in session.info.pop(_AFTER_COMMIT, ()):
        submit(task, *args)


def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)


def init_app(app: Flask) -> None:
    """Bind the listeners that hand work over at commit (once, however many applications are made); an
    embedded worker starts with the first request, so that its schedule runs in every serving process."""
    listen(Session, "after_commit", _after_commit)
    listen(Session, "after_soft_rollback", _after_rollback)
    if app.config["JOB_QUEUE"] == "embedded":
        app.before_request(_start_embedded)


def _start_embedded() -> None:
    app = current_app._get_current_object()
    if "fundapp.embedded_worker" not in app.extensions:
        EmbeddedWorker.of(app)
