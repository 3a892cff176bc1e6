"""The page of background work a user started (a report's draft, an export, an import): its progress,
which a script asks for again every second, then its outcome and the file it made, if any."""
from dataclasses import dataclass

from flask import Blueprint, abort, g, jsonify, render_template, request, send_file
from flask_babel import format_number, format_percent
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from fundapp.auth.permissions import fund_or_404
from fundapp.database import write_transaction
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.notifications import background, inbox
from fundapp.notifications.models import BackgroundJob

blueprint = Blueprint("tasks", __name__, url_prefix="/tasks")


@dataclass(frozen=True)
class Kind:
    counted: str         # how far it has come: "%(done)s of %(total)s ..."
    back: str            # the page that started it (its route takes the fund's id), its name, the way back
    back_name: str
    back_label: str
    form: str = ""       # the anchor of the form that started it on that page, to try again


# Each kind of background work a page starts, as its page shows it (background.task registers the work).
KINDS = {
    "report_draft": Kind(
        _l("Step %(done)s of %(total)s"), back="reports.index",
        back_name=_l("Quarterly reports"), back_label=_l("Back to the quarterly reports"),
        form="generate-heading"),
    "queue_export": Kind(
        _l("%(done)s of %(total)s applications written"),
        back="review.applications", back_name=_l("Applications"), back_label=_l("Back to the applications")),
    "headcount_import": Kind(
        _l("%(done)s of %(total)s lines checked"), back="jobs.reports",
        back_name=_l("Headcount reports"), back_label=_l("Back to the headcount reports"),
        form="import-heading"),
}
STATUSES = {"queued": _l("Waiting for its turn…"), "running": _l("Under way…"), "done": _l("Done."),
            "failed": _l("Not done.")}


def _own_job(job_id: int) -> BackgroundJob:
    job = background.job_of(current_user, job_id)
    if job is None or job.kind not in KINDS:
        abort(404)
    return job


def _progress(job: BackgroundJob) -> dict:
    """How far the job has come, as its page and its script show it."""
    share = 1.0 if job.status == "done" else (job.done / job.total if job.total else 0.0)
    text = str(STATUSES[job.status])
    if job.status == "running" and job.total:
        text = str(KINDS[job.kind].counted) % {"done": format_number(job.done),
                                               "total": format_number(job.total)}
    return {"status": job.status, "finished": job.status in ("done", "failed"), "done": job.done,
            "total": job.total, "percent": round(share * 100), "percent_text": format_percent(share),
            "text": text}


@blueprint.get("/<int:job_id>")
@login_required
def page(job_id: int):
    job = _own_job(job_id)
    if job.status in ("done", "failed") and g.get("unread_notifications"):
        with write_transaction():           # its outcome is read here: the bell need not ring for it
            inbox.read_link(current_user, request.path)
    return render_template("tasks/task.html", job=job, kind=KINDS[job.kind], progress=_progress(job),
                           title=background.TITLES[job.kind], outcome=background.outcome_of(job),
                           fund=db.session.get(Fund, job.fund_id))


@blueprint.get("/<int:job_id>.json")
@login_required
def status(job_id: int):
    return jsonify(_progress(_own_job(job_id)))


@blueprint.get("/<int:job_id>/download")
@login_required
def download(job_id: int):
    """The file the job made, to its user while it may still do what the page that asked for it does."""
    job = _own_job(job_id)
    fund_or_404(current_user, job.fund_id, background.ABILITIES[job.kind])
    path = background.result_path(job) if job.status == "done" and job.result_file else None
    if path is None or not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.result_file)
