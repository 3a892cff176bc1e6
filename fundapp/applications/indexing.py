"""The search index and the fingerprints of possible duplicates follow the applications and companies
they are made of: whenever a flush changes an application's texts or state or a company's name or
registration number, the rows of the applications concerned are written again in the same transaction,
so that no change can leave them behind. Drafts have none."""
from flask import Flask
from sqlalchemy import Connection, bindparam, inspect, select, update
from sqlalchemy.orm import Session

from fundapp.applications import duplicates, search
from fundapp.applications.models import Application
from fundapp.database import listen
from fundapp.portfolio.models import Company
from fundapp.text import comparable_key

APPLICATION_FIELDS = ("pitch", *search.BODY)
WATCHED = (*APPLICATION_FIELDS, "state")     # a draft has no fingerprint: it gets one when submitted
COMPANY_FIELDS = ("name", "registration_number")
BATCH = 2000


def init_app(_app: Flask) -> None:
    listen(Session, "after_flush", _follow)


def _changed(instance, fields) -> bool:
    state = inspect(instance)
    return any(state.attrs[field].history.has_changes() for field in fields)


def _follow(session: Session, _context) -> None:
    applications = {a.id for a in session.new if isinstance(a, Application)}
    applications |= {a.id for a in session.dirty
                     if isinstance(a, Application) and _changed(a, WATCHED)}
    companies = [c.id for c in session.dirty if isinstance(c, Company) and _changed(c, COMPANY_FIELDS)]
    connection = session.connection()
    if companies:
        applications |= set(connection.scalars(
            select(Application.id).where(Application.company_id.in_(companies))))
    if applications:
        refresh(connection, sorted(applications))


def refresh(connection: Connection, application_ids: list[int]) -> None:
    """Write again the index rows and fingerprints of these applications, from the database."""
    for start in range(0, len(application_ids), BATCH):
        ids = application_ids[start:start + BATCH]
        # a draft is its founder's own: never searched, and its copies never crowd out a submitted one
        submitted = connection.execute(
            select(Application.id, Company.name, Company.registration_number,
                   *(getattr(Application, field) for field in APPLICATION_FIELDS))
            .join(Company, Company.id == Application.company_id)
            .where(Application.id.in_(ids), Application.state != "draft")).all()
        search.write(connection, ids, {row.id: search.document(row.name, row.registration_number, row.pitch,
                                                               row._mapping) for row in submitted})
        duplicates.write(connection, ids, {row.id: (row.pitch, row.problem) for row in submitted})


def rebuild(connection: Connection) -> int:
    """Every application's index rows and fingerprints, and every company's registration key (after a
    bulk load or a migration). Returns how many applications."""
    companies = connection.execute(select(Company.id, Company.registration_number)).all()
    changes = [{"row_id": cid, "key": comparable_key(number)} for cid, number in companies]
    if changes:
        table = Company.__table__
        connection.execute(update(table).where(table.c.id == bindparam("row_id"))
                           .values(registration_key=bindparam("key")), changes)
    ids = list(connection.scalars(select(Application.id).order_by(Application.id)))
    refresh(connection, ids)
    search.optimize(connection)
    return len(ids)
