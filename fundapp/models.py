"""Every model, imported in one place so that Alembic and the mappers see them all."""
from fundapp.audit.models import AuditEntry
from fundapp.auth.models import ApiToken, Grant, Invitation, User
from fundapp.funds.models import Country, Fund, Partner
from fundapp.notifications.models import OutboxMessage

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Country",
    "Fund",
    "Grant",
    "Invitation",
    "OutboxMessage",
    "Partner",
    "User",
]
