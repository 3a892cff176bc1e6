"""Long pieces of work asked for on a page (a large fund's quarterly report, an export of the whole
queue, an import of headcount files), run by a worker while the page shows their progress.

A feature registers each kind with @task(kind): a function of the job, its parameters and a progress
callback, which reads without holding a write lock, writes at its end inside write_transaction(), and
returns what the user reads when it ends (JSON values). A refusal ends the job as failed with its
messages; its writes are rolled back, so a job killed midway may run again from the start."""
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from fundapp.auth.models import User
from fundapp.auth.permissions import can
from fundapp.columns import utcnow
from fundapp.database import reading, write_transaction
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.notifications import inbox, queue
from fundapp.notifications.models import BackgroundJob

TASKS: dict[str, Callable] = {}
TITLES: dict[str, object] = {}      # what the user asked for, as the bell names it (lazy strings)
ABILITIES: dict[str, str] = {}      # what the page that starts it asks of its user, asked again as it runs
MAX_TRIES = 3
MAX_UNDER_WAY = 3                   # a user's tasks waiting or running at once
KEPT = timedelta(days=7)            # how long a task's file is kept for its user
log = logging.getLogger(__name__)


def task(kind: str, title, ability: str):
    """Register the function that does the work of a kind of job, what the user calls it, and the
    ability in the job's fund its user must hold when it starts and when it runs."""
    def register(function: Callable) -> Callable:
        TASKS[kind], TITLES[kind], ABILITIES[kind] = function, title, ability
        return function
    return register


def refuse_if_busy(user) -> None:
    """Refuse (429) a new task to a user with MAX_UNDER_WAY tasks waiting or running: one user cannot
    fill the workers' time or the disk. Two asked at once are counted one after the other: the user's row
    is held to the end of the transaction (PostgreSQL; a SQLite writer holds the write lock already)."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    under_way = db.session.scalar(select(func.count(BackgroundJob.id)).where(
        BackgroundJob.user_id == user.id, BackgroundJob.status.in_(("queued", "running")),
        BackgroundJob.tries < MAX_TRIES))
    if under_way >= MAX_UNDER_WAY:
        raise Refused({"task": _("You have %(count)d tasks under way: wait for one of them to end.",
                                 count=under_way)}, status=429)


def start(user, fund_id: int | None, kind: str, params: dict) -> BackgroundJob:
    """Ask for a job; a worker starts it once this transaction has committed."""
    refuse_if_busy(user)
    job = BackgroundJob(kind=kind, user_id=user.id, fund_id=fund_id, params=json.dumps(params))
    db.session.add(job)
    db.session.flush()
    queue.after_commit("run_job", job.id)
    return job


def job_of(user, job_id: int) -> BackgroundJob | None:
    """The user's own job, or None: nobody else's job is seen."""
    job = db.session.get(BackgroundJob, job_id)
    return job if job is not None and job.user_id == user.id else None


def outcome_of(job: BackgroundJob) -> dict:
    return json.loads(job.outcome) if job.outcome else {}


def result_path(job: BackgroundJob, name: str | None = None) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "jobs" / f"{job.id}-{name or job.result_file}"


def keep_result(job: BackgroundJob, name: str, data: bytes) -> dict:
    """Keep a file the job made (an export) for its user to download from the job's page: the task
    returns what this gives, with anything else its user should read."""
    path = result_path(job, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {"file": name}


def due_ids(now: datetime) -> list[int]:
    """Jobs no worker holds: queued, or running under a claim that has lapsed (its worker died)."""
    return list(db.session.scalars(
        select(BackgroundJob.id).where(*_runnable(now))
        .order_by(BackgroundJob.id).limit(50)))


def _runnable(now: datetime) -> tuple:
    return (BackgroundJob.status.in_(("queued", "running")), BackgroundJob.tries < MAX_TRIES,
            or_(BackgroundJob.claimed_until.is_(None), BackgroundJob.claimed_until < now))


def run(job_id: int, now: datetime | None = None) -> str:
    """Run one job if no other worker holds it: its status at the end ("skipped" if it was held)."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(BackgroundJob).where(BackgroundJob.id == job_id, *_runnable(now))
        .values(status="running", started_at=now, tries=BackgroundJob.tries + 1, done=0,
                claimed_until=now + current_app.config["JOB_LEASE"])
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return "skipped"
    job = db.session.get(BackgroundJob, job_id)
    params = json.loads(job.params)
    try:
        if job.fund_id is not None and not can(db.session.get(User, job.user_id), ABILITIES[job.kind],
                                               job.fund_id):
            raise Refused({"task": _("You no longer hold the role this task needs in this fund.")})
        with reading():
            outcome = TASKS[job.kind](job, params, Progress(job.id))
        status = "done"
    except Refused as refusal:
        db.session.rollback()
        outcome, status = {"refused": {name: str(text) for name, text in refusal.fields.items()},
                           "lines": getattr(refusal, "lines", [])}, "failed"
    except Exception:
        db.session.rollback()
        log.exception("background job %s (%s) failed", job_id, job.kind)
        outcome, status = {"error": True}, "failed"
    with write_transaction():
        job = db.session.get(BackgroundJob, job_id)
        job.result_file = outcome.pop("file", None)
        job.status, job.outcome, job.finished_at, job.claimed_until = (status, json.dumps(outcome), utcnow(),
                                                                       None)
        job.done = job.total if status == "done" else job.done
        # a user who left the task's page finds its outcome under the bell
        inbox.note(db.session.get(User, job.user_id), "task", inbox.address("tasks.page", job_id=job.id),
                   _l("%(task)s: done.", task=TITLES[job.kind]) if status == "done" else
                   _l("%(task)s: not done.", task=TITLES[job.kind]))
    return status


def give_up(now: datetime) -> None:
    """End as failed the jobs whose every try was cut short (their workers died), and forget the files
    of jobs ended more than KEPT ago."""
    stuck = select(BackgroundJob).where(BackgroundJob.status.in_(("queued", "running")),
                                        BackgroundJob.tries >= MAX_TRIES, BackgroundJob.claimed_until < now)
    for job in db.session.scalars(stuck):
        job.status, job.outcome, job.finished_at, job.claimed_until = "failed", '{"error": true}', now, None
    old = select(BackgroundJob).where(BackgroundJob.result_file.is_not(None),
                                      BackgroundJob.finished_at < now - KEPT)
    for job in db.session.scalars(old):
        result_path(job).unlink(missing_ok=True)
        job.result_file = None
    db.session.commit()


class Progress:
    """Told how far a job has come: done of total steps, seen by the job's page."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, done: int, total: int) -> None:
        with write_transaction():
            db.session.execute(update(BackgroundJob).where(BackgroundJob.id == self.job_id)
                               .values(done=done, total=total, claimed_until=utcnow() +
                                       current_app.config["JOB_LEASE"])
                               .execution_options(synchronize_session=False))
