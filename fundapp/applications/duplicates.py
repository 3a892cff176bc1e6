"""Possible duplicates: another application, in a fund the manager sees, from a company with the same
normalised registration number, or with a near-identical pitch and problem.

Texts are compared in two steps that hold at national scale. When an application is saved, a MinHash
signature of its pitch and problem (datasketch, over three-word shingles) is cut into bands, each
stored as one hashed row (locality-sensitive hashing): applications sharing a band are candidates,
found through an index whatever the number of applications. Candidates are then compared as texts
(rapidfuzz); only those near-identical are flagged."""
from dataclasses import dataclass
from hashlib import blake2b

from datasketch import MinHash
from rapidfuzz import fuzz
from sqlalchemy import Connection, and_, func, insert, select, union
from sqlalchemy.orm import aliased

from fundapp.applications.models import Application, Fingerprint
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from fundapp.text import plain, words

BANDS, ROWS = 12, 3      # texts whose shingles agree at 80 % share two bands or more 997 times in 1,000
MIN_WORDS = 8            # a text shorter than this says too little to be anyone's copy
SIMILAR = 95             # how alike (rapidfuzz's ratio, 0 to 100) near-identical texts are
CANDIDATES = 500         # at most this many candidates are compared for one page
COMMON = 20              # a band (or a registration number) shared by more applications (companies) than
                         # this proposes none of them
SHARED = 2               # bands two texts share before they are compared: one alone is often a phrase


@dataclass(frozen=True)
class Duplicate:
    """Another application that may be the same company's, and why."""

    application_id: int
    fund_id: int
    fund_name: str
    company_name: str
    state: str
    same_company: bool
    same_registration: bool
    similarity: int | None          # how alike the pitch and problem are (0 to 100), when near-identical


def _text(pitch: str, problem: str) -> str:
    return f"{pitch or ''} {problem or ''}"


def bands(pitch: str, problem: str) -> list[int]:
    """The signature's bands of an application's pitch and problem (none for a short text)."""
    found = words(_text(pitch, problem))
    if len(found) < MIN_WORDS:
        return []
    signature = MinHash(num_perm=BANDS * ROWS, seed=1)
    signature.update_batch([" ".join(found[i:i + 3]).encode() for i in range(len(found) - 2)])
    values = signature.hashvalues
    return list(dict.fromkeys(
        int.from_bytes(blake2b(bytes([band]) + values[band * ROWS:(band + 1) * ROWS].tobytes(),
                               digest_size=8).digest(), "big", signed=True) for band in range(BANDS)))


def write(connection: Connection, ids: list[int], texts: dict[int, tuple[str, str]]) -> None:
    """Replace the fingerprints of these applications by those of their pitch and problem (none for
    those without)."""
    connection.execute(Fingerprint.__table__.delete().where(Fingerprint.application_id.in_(ids)))
    rows = [{"application_id": application_id, "band": band}
            for application_id, (pitch, problem) in texts.items() for band in bands(pitch, problem)]
    if rows:
        connection.execute(insert(Fingerprint.__table__), rows)


def _candidates(application_ids: list[int], fund_ids) -> list[tuple[int, int]]:
    """(application, other) pairs sharing a band or a registration key, the other submitted (never a
    draft) to one of the funds."""
    # a band shared by many applications is a phrase everyone writes, not a copy: it proposes nobody
    # (told from the index by whether it holds one more row than COMMON, without counting them all)
    theirs = aliased(Fingerprint)
    crowded = (select(theirs.band).where(theirs.band == Fingerprint.band).limit(1).offset(COMMON)
               .correlate(Fingerprint).scalar_subquery())
    bands = list(db.session.execute(select(Fingerprint.application_id, Fingerprint.band).where(
        Fingerprint.application_id.in_(application_ids), crowded.is_(None))))
    by_text = (select(Fingerprint.application_id.label("id"), theirs.application_id.label("other"))
               .join(theirs, and_(theirs.band == Fingerprint.band,
                                  theirs.application_id != Fingerprint.application_id))
               .where(Fingerprint.application_id.in_(application_ids),
                      Fingerprint.band.in_({band for _id, band in bands} or {0}))
               .group_by(Fingerprint.application_id, theirs.application_id).having(func.count() >= SHARED))
    own, other_company, other = aliased(Company), aliased(Company), aliased(Application)
    applying, namesake = aliased(Application), aliased(Company)
    # a number shared by many companies is a placeholder someone typed, not a company's: it names nobody
    common = (select(namesake.id).where(namesake.registration_key == own.registration_key,
                                        namesake.country == own.country)
              .limit(1).offset(COMMON).correlate(own).scalar_subquery())
    by_number = (select(applying.id.label("id"), other.id.label("other"))
                 .join(own, own.id == applying.company_id)
                 .join(other_company, and_(other_company.registration_key == own.registration_key,
                                           other_company.country == own.country, own.registration_key != ""))
                 .join(other, and_(other.company_id == other_company.id, other.id != applying.id))
                 .where(applying.id.in_(application_ids), common.is_(None)))
    found = union(by_text, by_number).subquery()
    target = aliased(Application)
    return list(db.session.execute(
        select(found.c.id, found.c.other).join(target, target.id == found.c.other)
        .where(target.state != "draft", target.fund_id.in_(fund_ids))
        .order_by(found.c.id, found.c.other).limit(CANDIDATES)))


def find(application_ids: list[int], fund_ids) -> dict[int, list[Duplicate]]:
    """The possible duplicates of each application among those submitted to the funds (ids or a query of
    them): three queries whatever the number of applications and of candidates (none for no application)."""
    if not application_ids:
        return {}
    pairs = _candidates(application_ids, fund_ids)
    ids = {i for pair in pairs for i in pair}
    rows = {row.id: row for row in db.session.execute(
        select(Application.id, Application.fund_id, Application.company_id, Application.state,
               Application.pitch, Application.problem, Company.name, Company.registration_key,
               Fund.name.label("fund_name"))
        .join(Company, Company.id == Application.company_id).join(Fund, Fund.id == Application.fund_id)
        .where(Application.id.in_(ids)))}
    texts = {row.id: plain(_text(row.pitch, row.problem)) for row in rows.values()}
    found: dict[int, list[Duplicate]] = {}
    for application_id, other_id in pairs:
        mine, theirs = rows[application_id], rows[other_id]
        same_registration = bool(mine.registration_key) and mine.registration_key == theirs.registration_key
        similarity = round(fuzz.ratio(texts[application_id], texts[other_id], score_cutoff=SIMILAR))
        if similarity < SIMILAR and not same_registration:
            continue
        found.setdefault(application_id, []).append(Duplicate(
            other_id, theirs.fund_id, theirs.fund_name, theirs.name, theirs.state,
            mine.company_id == theirs.company_id, same_registration,
            similarity if similarity >= SIMILAR else None))
    for duplicates in found.values():
        duplicates.sort(key=lambda d: (not d.same_registration, -(d.similarity or 0), d.application_id))
    return found

