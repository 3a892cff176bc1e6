"""The quarterly report of the fund with the most investments, timed: the whole generation against
the time reportlab spends building the document; and this process's peak memory.

    python tests/benchmarks/report.py DATABASE    -> one JSON line
"""
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(database: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(database).resolve()}"
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp())
    from sqlalchemy import func, select

    from fundapp import create_app
    from fundapp.extensions import db
    from fundapp.funds.models import Fund
    from fundapp.jobs.models import HeadcountReport
    from fundapp.portfolio.models import Investment
    from fundapp.quarters import last_ended
    from fundapp.reporting import document, pdf
    from fundapp.reporting.quarterly import contents

    building = {"seconds": 0.0}
    build = pdf.build_with_contents

    def timed_build(*args, **kwargs):            # reportlab's own work: laying out and writing the PDF
        started = time.perf_counter()
        try:
            return build(*args, **kwargs)
        finally:
            building["seconds"] += time.perf_counter() - started
    document.build_with_contents = timed_build
    app = create_app()
    with app.test_request_context():
        fund_id, investments = db.session.execute(
            select(Investment.fund_id, func.count(Investment.id)).group_by(Investment.fund_id)
            .order_by(func.count(Investment.id).desc())).first()
        fund = db.session.get(Fund, fund_id)
        quarters = db.session.scalar(select(func.count(func.distinct(HeadcountReport.period_end))))
        end = last_ended(__import__("datetime").date.today())
        started = time.perf_counter()
        data = document.render(contents(fund, end.year, (end.month - 1) // 3 + 1))
        total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"report_overhead_ratio": round((total - building["seconds"]) / building["seconds"], 3),
                      "report_seconds": round(total, 2), "report_build_seconds": round(building["seconds"], 2),
                      "report_peak_rss_mb": round(peak, 1), "report_investments": investments,
                      "report_headcount_quarters": quarters, "report_pages": data.count(b"/Type /Page\n")}))


if __name__ == "__main__":
    main(sys.argv[1])
