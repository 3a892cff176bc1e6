"""Reviewer suggestions (SPEC 14): the fund's reviewers ranked for an application by how well their
declared expertise and past reviews match its sector and text, and by their open load; those with a
conflict the data shows are left out with the reason. And the declaration of expertise they read.

The ranking is a sum of points anyone can check by hand (score()): a keyword matches when every word of
it is in the application's texts as one of its English or French stems (fundapp.text)."""
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, select

from fundapp import inputs
from fundapp.applications import review
from fundapp.applications.models import Application, Assignment, Review
from fundapp.applications.search import BODY
from fundapp.audit.services import record, snapshot
from fundapp.auth.models import User
from fundapp.errors import Refused, input_message
from fundapp.extensions import db
from fundapp.funds.constants import SECTORS
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from fundapp.revisions import cached
from fundapp.text import plain, stems, words
from fundapp.web.formatting import sector_label

SECTOR_POINTS = 10          # the application's sector is among those the reviewer declared
KEYWORD_POINTS = 5          # for each declared keyword found in its texts,
KEYWORDS_COUNTED = 3        # up to this many: declaring every word there is wins nothing
PAST_REVIEWS_COUNTED = 20   # one point for each review of an application of its sector, up to this many
# and one point off for each open review (review.awaited), without bound: a busy reviewer sinks

MAX_KEYWORDS = 20
MAX_KEYWORD = 40            # characters of one keyword
MAX_KEYWORDS_TEXT = 300     # characters of them all, as kept ("irrigation, drought")
TEXTS = ("pitch", *BODY)    # what the keywords are looked for in: what search reads of the application


# --- the rules, on plain values ----------------------------------------------------------------------

def score(sector: bool, keywords: int, past_reviews: int, open_reviews: int) -> int:
    """A reviewer's points for an application: expertise adds, open load takes away."""
    return (SECTOR_POINTS * sector + KEYWORD_POINTS * min(keywords, KEYWORDS_COUNTED)
            + min(past_reviews, PAST_REVIEWS_COUNTED) - open_reviews)


def keyword_list(typed: str) -> list[str]:
    """Comma-separated keywords as kept: each trimmed, spaces within it made single, empty ones dropped,
    one of each (whatever its case or accents) in the order typed."""
    kept: dict[str, str] = {}
    for keyword in (typed or "").split(","):
        keyword = " ".join(keyword.split())
        if keyword:
            kept.setdefault(plain(keyword), keyword)
    return list(kept.values())


def text_stems(texts) -> frozenset[str]:
    """Every stem of every word of the texts."""
    return frozenset(stem for text in texts for word in words(text) for stem in stems(word))


def found(keyword: str, text: frozenset[str]) -> bool:
    """Whether each word of the keyword is in the text (its stems) as one of its own stems: "irrigation"
    is found in "Irrigations", "énergie solaire" in "l'energie du solaire"."""
    terms = words(keyword)
    return bool(terms) and all(text.intersection(stems(term)) for term in terms)


def mail_domain(email: str) -> str:
    """The address's domain, in lower case."""
    return (email or "").rpartition("@")[2].strip().casefold()


def shared_domain(email: str, other: str, public) -> str | None:
    """The mail domain the two addresses share, unless anyone may hold an address there: a public mail
    service, or a name reserved for examples and tests (an entry of `public` starting with a dot is a
    suffix: ".example")."""
    domain = mail_domain(email)
    if not domain or domain != mail_domain(other):
        return None
    if domain in public or any(entry.startswith(".") and domain.endswith(entry) for entry in public):
        return None
    return domain


# --- a reviewer as the suggestions see it -----------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A reviewer of the fund facing one application: what it declared that matches, its past reviews
    of the application's sector, its open reviews in the fund, and its conflicts (why it is left out)."""

    reviewer: User
    sector: str = ""                        # the application's sector, when the reviewer declared it
    keywords: tuple[str, ...] = ()          # its declared keywords found in the application's texts
    past_reviews: int = 0
    open_reviews: int = 0
    conflicts: tuple[str, ...] = ()
    assigned: bool = False

    @property
    def score(self) -> int:
        return score(bool(self.sector), len(self.keywords), self.past_reviews, self.open_reviews)

    @property
    def reasons(self) -> list[str]:
        """Where its points come from, in words."""
        reasons = []
        if self.sector:
            reasons.append(_("Declared sector: %(sector)s", sector=sector_label(self.sector)))
        if self.keywords:
            reasons.append(_("Keywords: %(keywords)s", keywords=", ".join(self.keywords)))
        if self.past_reviews:
            reasons.append(ngettext("%(num)d past review in this sector",
                                    "%(num)d past reviews in this sector", self.past_reviews))
        reasons.append(ngettext("%(num)d open review", "%(num)d open reviews", self.open_reviews)
                       if self.open_reviews else _("No open review"))
        return reasons

    @property
    def declared_sectors(self) -> list[str]:
        return list(self.reviewer.expertise_sectors or [])

    @property
    def declared_keywords(self) -> list[str]:
        return keyword_list(self.reviewer.expertise_keywords)

    @property
    def declared(self) -> list[str]:
        """All it declared, in words: its sectors, then its keywords."""
        return [str(sector_label(code)) for code in self.declared_sectors] + self.declared_keywords


def ranked(candidates) -> list[Candidate]:
    """Most points first; then fewer open reviews, then by name and id, so that the order never varies."""
    return sorted(candidates, key=lambda c: (-c.score, c.open_reviews, plain(c.reviewer.name), c.reviewer.id))


class Suggestions(NamedTuple):
    suggested: list[Candidate]      # ranked; neither assigned nor in conflict
    assigned: list[Candidate]       # assigned to the application already, without a conflict shown
    left_out: list[Candidate]       # a conflict shown (assigned or not), by name

    @property
    def rule(self) -> str:
        """How the points are counted, in words."""
        return _("Points: %(sector)d for a declared sector; %(keyword)d for each declared keyword found in "
                 "the application, up to %(keywords)d; 1 for each past review in its sector, up to %(past)d; "
                 "minus 1 for each open review in this fund.", sector=SECTOR_POINTS, keyword=KEYWORD_POINTS,
                 keywords=KEYWORDS_COUNTED, past=PAST_REVIEWS_COUNTED)


# --- reading them -----------------------------------------------------------------------------------

def suggest(fund, application: Application) -> Suggestions:
    """The fund's reviewers for the application (but those whose account is deactivated, who cannot sign
    in to review), in a fixed number of queries whatever their number and that of their reviews."""
    reviewers = [reviewer for reviewer in review.reviewers_of(fund) if reviewer.active]
    ids = [reviewer.id for reviewer in reviewers]
    assignments = _assignments_to_company(application, ids)
    conflicts = _conflicts(fund, application, reviewers, assignments)
    assigned = {reviewer_id for reviewer_id, application_id, _conflict in assignments
                if application_id == application.id}
    past, load = _past_reviews(fund, application.sector, ids), _open_reviews(fund, ids)
    text = text_stems(getattr(application, field) or "" for field in TEXTS)
    candidates = []
    for reviewer in reviewers:
        declared = bool(application.sector) and application.sector in (reviewer.expertise_sectors or ())
        candidates.append(Candidate(
            reviewer, sector=application.sector if declared else "",
            keywords=tuple(k for k in keyword_list(reviewer.expertise_keywords) if found(k, text)),
            past_reviews=past.get(reviewer.id, 0), open_reviews=load.get(reviewer.id, 0),
            conflicts=tuple(conflicts.get(reviewer.id, ())), assigned=reviewer.id in assigned))
    order = ranked(candidates)
    return Suggestions([c for c in order if not c.conflicts and not c.assigned],
                       [c for c in order if not c.conflicts and c.assigned],
                       sorted((c for c in candidates if c.conflicts),
                              key=lambda c: (plain(c.reviewer.name), c.reviewer.id)))


def conflicts(fund, application: Application, reviewers: list[User]) -> dict[int, list[str]]:
    """Why each of these reviewers has a conflict with the application, when the data shows one."""
    ids = [reviewer.id for reviewer in reviewers]
    return _conflicts(fund, application, reviewers, _assignments_to_company(application, ids))


def _conflicts(fund, application: Application, reviewers: list[User], assignments) -> dict[int, list[str]]:
    company = db.session.get(Company, application.company_id)
    founder = db.session.get(User, application.founder_id)
    public = current_app.config["PUBLIC_MAIL_DOMAINS"]
    declared = {reviewer_id for reviewer_id, application_id, conflict in assignments
                if conflict and application_id != application.id}
    rivals: dict[int, list[str]] = {}
    for owner_id, name in _rival_companies(fund, company, [reviewer.id for reviewer in reviewers]):
        rivals.setdefault(owner_id, []).append(name)
    found_conflicts = {}
    for reviewer in reviewers:
        reasons = []
        if reviewer.id == application.founder_id:
            reasons.append(_("Founder of this application"))
        if reviewer.id == company.owner_id and reviewer.id != application.founder_id:
            reasons.append(_("Owns the applying company"))
        domain = shared_domain(reviewer.email, founder.email, public)
        if domain:
            reasons.append(_("Same email domain as the founder: %(domain)s", domain=domain))
        if reviewer.id in declared:
            reasons.append(_("Declared a conflict on another application of this company"))
        if reviewer.id in rivals:
            reasons.append(_("Owns another company applying to this fund: %(names)s",
                             names=", ".join(rivals[reviewer.id])))
        if reasons:
            found_conflicts[reviewer.id] = reasons
    return found_conflicts


def _assignments_to_company(application: Application, ids: list[int]) -> list[tuple[int, int, bool | None]]:
    """(reviewer, application, conflict) of these reviewers' assignments to any application of the
    company: this one's say who is assigned, the others' who declared a conflict with it before."""
    return [tuple(row) for row in db.session.execute(
        select(Assignment.reviewer_id, Assignment.application_id, Assignment.conflict)
        .join(Application, Assignment.application_id == Application.id)
        .where(Application.company_id == application.company_id, Assignment.reviewer_id.in_(ids)))]


def _rival_companies(fund, company: Company, ids: list[int]) -> list[tuple[int, str]]:
    """(owner, name) of the other companies these reviewers own that applied to the fund (a draft is its
    founder's own and says nothing)."""
    applied = exists().where(Application.company_id == Company.id, Application.fund_id == fund.id,
                             Application.state != "draft")
    return [tuple(row) for row in db.session.execute(
        # from the reviewers' companies, never through the fund's whole pipeline
        select(Company.owner_id, Company.name).where(Company.owner_id.in_(ids), Company.id != company.id,
                                                     applied).order_by(Company.name, Company.id))]


def _past_reviews(fund, sector: str, ids: list[int]) -> dict[int, int]:
    """How many reviews each reviewer submitted of the fund's applications of the sector (another fund's
    work is not this fund's managers' to see)."""
    if not sector or not ids:
        return {}
    return dict(db.session.execute(
        select(Review.reviewer_id, func.count()).where(Review.reviewer_id.in_(ids), Review.sector == sector,
                                                       Review.fund_id == fund.id)
        .group_by(Review.reviewer_id)).all())


def _open_reviews(fund, ids: list[int]) -> dict[int, int]:
    """How many reviews each reviewer owes the fund (review.awaited: assigned, not recused, not reviewed,
    the application still in review): counted for the whole fund once per activity revision."""
    def count() -> dict[int, int]:
        return dict(db.session.execute(
            review.awaited(select(Assignment.reviewer_id, func.count(Assignment.id)))
            .where(Application.fund_id == fund.id).group_by(Assignment.reviewer_id)).all())
    load = cached("open_reviews", fund.id, None, count, revision=Fund.activity_revision)
    return {reviewer_id: load[reviewer_id] for reviewer_id in ids if reviewer_id in load}


# --- declaring expertise ----------------------------------------------------------------------------

def declare_expertise(user: User, sectors: list[str], keywords: list[str]) -> User:
    """The sectors (codes) and keywords the user knows, which suggestions read; all kept, or nothing. A
    keyword holding commas is as many keywords."""
    errors = {}
    unknown = [code for code in sectors if code not in SECTORS]
    if unknown:
        errors["sectors"] = _("Unknown sector: %(code)s.", code=unknown[0])
    kept = keyword_list(",".join(keywords))
    if any(inputs.control_character(keyword) for keyword in keywords):
        errors["keywords"] = input_message("control_character")
    elif len(kept) > MAX_KEYWORDS:
        errors["keywords"] = _("Give at most %(count)d keywords.", count=MAX_KEYWORDS)
    elif any(len(keyword) > MAX_KEYWORD for keyword in kept):
        errors["keywords"] = _("Keep each keyword to %(count)d characters: %(keyword)s",
                               count=MAX_KEYWORD, keyword=next(k for k in kept if len(k) > MAX_KEYWORD))
    elif len(", ".join(kept)) > MAX_KEYWORDS_TEXT:
        errors["keywords"] = _("Keep your keywords to %(max)d characters in all.", max=MAX_KEYWORDS_TEXT)
    if errors:
        raise Refused(errors)
    before = snapshot(user)
    user.expertise_sectors = [code for code in SECTORS if code in sectors] or None
    user.expertise_keywords = ", ".join(kept)
    # nothing any kept page shows: only the application's page, rendered each time, reads them
    record(user, "user.expertise_change", user, before=before, on_pages=False)
    return user
