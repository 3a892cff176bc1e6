"""Whole pages kept per fund revision (fundapp.web.pages, fundapp.revisions): a page viewed again is served
without rendering, a recorded change shows at once, and no session is ever served another's page."""
import re

import pytest
from sqlalchemy import select

from fundapp.applications import review, services
from fundapp.applications.models import Application, Assignment
from fundapp.auth import services as accounts
from fundapp.auth.models import Grant, User
from fundapp.extensions import cache
from fundapp.funds import services as funds
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from tests.conftest import sign_in
from tests.factories import AdminFactory, FounderFactory, FundFactory, staff_with_role

IN_REVIEW = "/funds/{}/applications?state=in_review&sort=normalized"


@pytest.fixture
def queue_(db):
    fund = FundFactory(currency="KES")
    manager = staff_with_role("manager", fund)
    reviewer = staff_with_role("reviewer", fund, name="Reviewer One")
    founder = FounderFactory()
    applications = []
    for name in ("Shamba", "Afya"):
        company = Company(name=name, country="KE", sector="health", region="Nairobi", owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        applications.append(Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                        state="in_review", requested_amount=1_000_000_00))
    db.session.add_all(applications)
    db.session.commit()
    return fund, manager, reviewer, applications


def opened(client, user) -> None:
    """Signed in and past a first page, as a browser is: the session holds its CSRF token."""
    sign_in(client, user)
    client.get("/account")


def csrf_of(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page)[1].decode()


def test_a_page_viewed_again_is_served_as_kept(app, client, queue_, count_queries):
    fund, manager, _reviewer, _applications = queue_
    opened(client, manager)
    path = IN_REVIEW.format(fund.id)
    first = client.get(path)
    with count_queries() as kept:
        again = client.get(path)
    with app.app_context():
        cache.clear()
    with count_queries() as rendered:
        client.get(path)
    assert again.status_code == 200 and again.data == first.data
    assert kept.count < rendered.count
    assert not any("applications" in statement for statement in kept.statements)


def test_a_recorded_change_shows_at_once(client, db, queue_):
    fund, manager, reviewer, (shamba, afya) = queue_
    opened(client, manager)
    path = IN_REVIEW.format(fund.id)
    assert b"Afya" in client.get(path).data and b"Afya" in client.get(path).data
    services.move(manager, afya, "declined", "manager", "Outside the fund's sectors")
    db.session.commit()
    assert b"Afya" not in client.get(path).data
    review.assign(manager, fund, shamba, reviewer.id, None)
    db.session.commit()
    assert b"Reviewer One" in client.get(f"{path}&reviewer={reviewer.id}").data


def test_changes_move_the_revisions_when_they_commit(app, db, queue_):
    fund_id, manager_id, afya_id = queue_[0].id, queue_[1].id, queue_[3][1].id
    other_id, admin_id = FundFactory().id, AdminFactory().id
    db.session.commit()
    with app.app_context():
        from fundapp.extensions import db as app_db
        session = app_db.session

        def revisions(fund_id):
            return session.execute(select(Fund.activity_revision, Fund.figures_revision)
                                   .where(Fund.id == fund_id)).one()

        def decline():
            services.move(session.get(User, manager_id), session.get(Application, afya_id), "declined",
                          "manager", "Outside the fund's sectors")

        start = revisions(fund_id)
        decline()
        assert revisions(fund_id) == start                        # noted, moved only by the commit
        session.rollback()
        assert revisions(fund_id) == start                        # a rolled-back change moves nothing
        decline()
        session.commit()
        assert revisions(fund_id) == (start[0] + 1, start[1])     # the pages, not the figures
        funds.create_partner(session.get(User, manager_id), session.get(Fund, fund_id), "Ministry of ICT",
                             "government", "1000000")
        session.commit()
        assert revisions(fund_id) == (start[0] + 2, start[1] + 1)
        elsewhere = revisions(other_id)
        accounts.grant_role(session.get(User, admin_id), session.get(User, manager_id),
                            session.get(Fund, other_id), "reviewer")
        session.commit()                                          # the navigation of every fund shows it
        assert revisions(other_id)[0] == elsewhere[0] + 1 and revisions(fund_id)[0] == start[0] + 3


def test_each_session_is_served_its_own_page(client, app, db, queue_):
    fund, manager, reviewer, (shamba, _afya) = queue_
    elsewhere = app.test_client()
    opened(client, manager)
    opened(elsewhere, manager)
    path = IN_REVIEW.format(fund.id)
    mine, theirs = client.get(path).data, elsewhere.get(path).data
    assert csrf_of(mine) != csrf_of(theirs)
    answer = elsewhere.post(f"/funds/{fund.id}/applications/assignments", data={
        "csrf_token": csrf_of(elsewhere.get(path).data), "reviewer_id": reviewer.id,
        "application_ids": [shamba.id]})
    assert answer.status_code == 302
    assert db.session.scalar(select(Assignment.reviewer_id).where(Assignment.application_id == shamba.id)) \
        == reviewer.id


def test_a_revoked_role_is_never_served_a_kept_page(client, db, queue_):
    fund, manager, _reviewer, _applications = queue_
    opened(client, manager)
    path = IN_REVIEW.format(fund.id)
    assert client.get(path).status_code == 200 and client.get(path).status_code == 200
    grant = db.session.scalar(select(Grant).where(Grant.user_id == manager.id, Grant.fund_id == fund.id))
    accounts.revoke_grant(AdminFactory(), grant)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_a_message_is_shown_once_and_never_kept(client, queue_):
    fund, manager, _reviewer, _applications = queue_
    opened(client, manager)
    path = IN_REVIEW.format(fund.id)
    client.get(path)
    answer = client.post(f"/funds/{fund.id}/applications/assignments", data={
        "csrf_token": csrf_of(client.get(path).data), "application_ids": []}, headers={"Referer": path})
    assert answer.status_code == 302
    assert b"Tick applications and choose a reviewer." in client.get(path).data
    assert b"Tick applications and choose a reviewer." not in client.get(path).data
