"""factory_boy factories for the models; they commit, so that the app under test sees their rows. And a
small PDF, as a founder's deck."""
import io

import factory
from factory.alchemy import SQLAlchemyModelFactory
from reportlab.pdfgen import canvas

from fundapp.applications import committee
from fundapp.auth.models import Grant, User, UserSession
from fundapp.auth.passwords import hash_password
from fundapp.auth.tokens import create_token
from fundapp.columns import utcnow
from fundapp.extensions import db
from fundapp.funds.models import Country, Fund, Partner

PASSWORD = "correct horse battery staple"
# The authenticator-app secret of every staff account made here (staff who must hold a second factor
# hold this one); a test computes codes from it with pyotp. Founders hold none.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class CountryFactory(Factory):
    class Meta:
        model = Country
        sqlalchemy_get_or_create = ("code",)

    code = "KE"
    name = "Kenya"


class FundFactory(Factory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"National Fund {n}")
    country = factory.SubFactory(CountryFactory)
    currency = "KES"
    language = "en"
    vintage_year = 2024
    target_size = 650_000_000_000
    min_ticket = 500_000_000
    max_ticket = 13_000_000_000
    sectors = factory.LazyFunction(lambda: ["fintech", "health"])
    employee_cap = 250
    match_target = 1
    open_for_applications = True


class PartnerFactory(Factory):
    class Meta:
        model = Partner

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = "government"
    commitment = 100_000_000


class UserFactory(Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    language = "en"
    account_type = "staff"
    email_confirmed_at = factory.LazyFunction(utcnow)
    totp_secret = TOTP_SECRET
    second_factor_at = factory.LazyFunction(utcnow)


class FounderFactory(UserFactory):
    account_type = "founder"
    totp_secret = None
    second_factor_at = None


class UserSessionFactory(Factory):
    """A signed-in session; the cookie's secret is its secret_hash's preimage (see conftest.sign_in)."""
    class Meta:
        model = UserSession

    browser = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"


class AdminFactory(UserFactory):
    is_admin = True


class GrantFactory(Factory):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    fund = factory.SubFactory(FundFactory)
    role = "manager"
    partner = None


def staff_with_role(role: str, fund: Fund, **user_fields) -> User:
    """A staff member holding one role in the fund (a partner speaks for a new partner entity)."""
    user = UserFactory(**user_fields)
    partner = PartnerFactory(fund=fund) if role == "partner" else None
    GrantFactory(user=user, fund=fund, role=role, partner=partner)
    return user


def api_token_for(user: User) -> str:
    """A bearer token for the user, committed."""
    _token, secret = create_token(user, "tests")
    db.session.commit()
    return secret


def fund_with_partners(**fund_fields) -> tuple[Fund, Partner, Partner]:
    """A KES fund of vintage 2024 (unless told otherwise): the government commits 6,000.00 and OpenAI
    4,000.00."""
    fund = FundFactory(**{"currency": "KES", "vintage_year": 2024, **fund_fields})
    return (fund, PartnerFactory(fund=fund, name="Ministry", kind="government", commitment=600_000),
            PartnerFactory(fund=fund, name="OpenAI", kind="co_investor", commitment=400_000))


def pdf_bytes(pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    for page in range(pages):
        document.drawString(72, 720, f"Shamba Analytics — slide {page + 1}")
        document.showPage()
    document.save()
    return buffer.getvalue()


def committee_votes(fund: Fund, application, *votes: str) -> list[User]:
    """Members of the fund's committee, one per vote given, each declaring no conflict and voting so."""
    members = []
    for vote in votes:
        member = staff_with_role("committee", fund)
        committee.declare(member, fund, application, conflict=False)
        committee.cast(member, fund, application, vote, f"{vote} as the memo argues")
        members.append(member)
    return members
