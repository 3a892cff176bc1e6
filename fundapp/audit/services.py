"""One channel for recording changes in the audit log."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect

from fundapp.audit.models import AuditEntry
from fundapp.auth.models import Grant
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.ledger.rows import LedgerEntry
from fundapp.revisions import touch

# Never copied into the log, whatever the object.
SECRET_COLUMNS = frozenset({"password_hash", "session_token", "token_hash", "totp_secret", "secret_hash",
                            "code_hash", "credential_id", "public_key", "webauthn_challenge"})


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj) -> dict:
    """The object's columns as JSON-ready values, secrets left out."""
    mapper = inspect(obj).mapper
    return {
        column.key: _plain(getattr(obj, column.key))
        for column in mapper.column_attrs
        if column.key not in SECRET_COLUMNS
    }


def record(actor, action: str, obj, *, before: dict | None = None, fund_id: int | None = None,
           after: dict | None = None, on_pages: bool = True) -> AuditEntry:
    """Append an entry for a change to obj made by actor (None for the system itself). on_pages=False:
    nothing any fund's pages show changes (a sign-in, a second factor), so no kept page is dropped."""
    db.session.flush()
    entry = AuditEntry(
        user_id=actor.id if actor is not None and actor.is_authenticated else None,
        fund_id=fund_id,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=before,
        after=snapshot(obj) if after is None else after,
    )
    db.session.add(entry)
    db.session.flush()
    if on_pages:
        touch(None if fund_id is None or _shown_everywhere(obj) else fund_id, figures=_moves_figures(obj))
    return entry


def _moves_figures(obj) -> bool:
    """Whether a change to obj can change the fund's figures: its ledger, partners or settings."""
    return isinstance(obj, LedgerEntry | Fund | Partner)


def _shown_everywhere(obj) -> bool:
    """Whether a change to obj shows on the pages of every fund: the funds and roles in the navigation."""
    return isinstance(obj, Grant | Fund)
