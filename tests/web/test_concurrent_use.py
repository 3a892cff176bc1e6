"""The embedded database under ordinary concurrent use: partners download published reports (each
download is logged) while a manager records entries, each on a server of its own; no request fails.
Run on SQLite, where a reading request that then writes used to fail with "database is locked", and on
PostgreSQL."""
import threading
from datetime import date

from sqlalchemy import func, select

from fundapp.funds.services import partners_of
from fundapp.ledger import capital
from fundapp.reporting import services as reports
from fundapp.reporting.models import ReportDownload
from tests.conftest import sign_in
from tests.factories import GrantFactory, UserFactory, api_token_for, fund_with_partners

DOWNLOADS = 40
ENTRIES = 40


def test_report_downloads_while_a_manager_records_entries(make_app, db):
    fund, ministry, _openai = fund_with_partners()
    manager = UserFactory()
    GrantFactory(user=manager, fund=fund, role="manager")
    call = capital.record_call(manager, fund, date(2024, 1, 2), date(2024, 1, 31), "10000", "investment")
    for partner in partners_of(fund):
        capital.record_payment(manager, fund, call, partner.id, date(2024, 1, 10),
                               str(partner.commitment // 100))
    db.session.commit()
    report = reports.publish(manager, fund, reports.generate(manager, fund, 2024, 1))
    db.session.commit()
    partner_user = UserFactory()
    GrantFactory(user=partner_user, fund=fund, role="partner", partner=ministry)
    partner_token, manager_token = api_token_for(partner_user), api_token_for(manager)

    reader = make_app(RATELIMIT_ENABLED=False).test_client()
    sign_in(reader, partner_user)
    api_reader = make_app(RATELIMIT_ENABLED=False).test_client()
    writer = make_app(RATELIMIT_ENABLED=False).test_client()
    statuses = {"web": [], "api": [], "entries": []}
    start = threading.Barrier(3, timeout=30)

    def download(client, kind, path, headers):
        start.wait()
        for _ in range(DOWNLOADS):
            statuses[kind].append(client.get(path, headers=headers).status_code)

    def record():
        start.wait()
        for index in range(ENTRIES):
            statuses["entries"].append(writer.post(
                f"/api/v1/funds/{fund.id}/expenses", headers={"Authorization": f"Bearer {manager_token}"},
                json={"date": "2024-04-01", "amount": "1", "category": "operations",
                      "description": f"Entry {index}"}).status_code)

    threads = [threading.Thread(target=download, args=(reader, "web", f"/funds/{fund.id}/reports/{report.id}.pdf",
                                                       {})),
               threading.Thread(target=download, args=(api_reader, "api", f"/api/v1/reports/{report.id}/pdf",
                                                       {"Authorization": f"Bearer {partner_token}"})),
               threading.Thread(target=record)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses["web"] == [200] * DOWNLOADS
    assert statuses["api"] == [200] * DOWNLOADS
    assert statuses["entries"] == [201] * ENTRIES
    assert db.session.scalar(select(func.count(ReportDownload.id))) == 2 * DOWNLOADS
