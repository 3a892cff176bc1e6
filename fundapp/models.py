"""Every model, imported in one place so that Alembic and the mappers see them all."""
from fundapp.applications.models import Application, Assignment, Criterion, FundMessage, Review, StateChange
from fundapp.audit.models import AuditEntry
from fundapp.auth.models import AccountLink, ApiToken, Grant, Passkey, RecoveryCode, User, UserSession
from fundapp.funds.models import Country, Fund, Partner
from fundapp.jobs.models import HeadcountReport
from fundapp.ledger.models import (
    CallAllocation,
    CapitalCall,
    Distribution,
    DistributionAllocation,
    Expense,
    Payment,
)
from fundapp.notifications.models import OutboxMessage
from fundapp.portfolio.models import Company, Exit, Investment, Valuation
from fundapp.reporting.models import QuarterlyReport, ReportDownload

__all__ = [
    "AccountLink", "ApiToken", "Application", "Assignment", "AuditEntry", "CallAllocation", "CapitalCall",
    "Company",
    "Country", "Criterion", "Distribution", "DistributionAllocation", "Exit", "Expense", "Fund",
    "FundMessage", "Grant", "HeadcountReport", "Investment", "OutboxMessage", "Partner", "Passkey",
    "Payment", "QuarterlyReport", "RecoveryCode", "ReportDownload", "Review",
    "StateChange", "User", "UserSession", "Valuation",
]
