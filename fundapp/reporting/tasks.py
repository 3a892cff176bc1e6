"""A quarterly report's draft made off the request: the quarter checked, the report's figures computed,
the draft saved and its PDF drawn, each a step of the progress its page shows."""
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from fundapp.auth.models import User
from fundapp.database import write_transaction
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.notifications import background
from fundapp.notifications.models import BackgroundJob
from fundapp.reporting import services
from fundapp.reporting.document import render
from fundapp.reporting.quarterly import contents

KIND = "report_draft"
STEPS = 4


def start_draft(user: User, fund: Fund, year, quarter, note: str = "") -> BackgroundJob:
    """Ask a worker for the quarter's draft once this request commits; Refused at once if none may be made."""
    year, quarter, _versions = services.check_generation(fund, year, quarter, note)
    return background.start(user, fund.id, KIND, {"year": year, "quarter": quarter, "note": note or ""})


@background.task(KIND, _l("Draft of a quarterly report"), "manage_fund")
def make_draft(job: BackgroundJob, params: dict, progress) -> dict:
    """Check the quarter, compute its figures, save the draft and keep its PDF for the user to read."""
    user, fund = db.session.get(User, job.user_id), db.session.get(Fund, job.fund_id)
    year, quarter, note = params["year"], params["quarter"], params["note"]
    with force_locale(user.language):
        progress(0, STEPS)
        services.check_generation(fund, year, quarter, note)
        progress(1, STEPS)
        made = contents(fund, year, quarter)
        progress(2, STEPS)
        report = _saved_draft(user, fund, year, quarter, note)
        progress(3, STEPS)
        data = render(made, services.edition_of(report))
        return {"report_id": report.id, "year": year, "quarter": quarter, "version": report.version,
                **background.keep_result(job, services.pdf_name(fund, report), data)}


def _saved_draft(user: User, fund: Fund, year: int, quarter: int, note: str):
    try:
        with write_transaction():
            return services.generate(user, fund, year, quarter, note)
    except IntegrityError:
        # the same draft asked for twice at once: the other request saved it first, and it is this one
        db.session.rollback()
        with write_transaction():
            return services.generate(user, fund, year, quarter, note)
