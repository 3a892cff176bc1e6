"""Eligibility of an application to a fund (SPEC section 4), with a reason for each failed rule."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    country: str
    min_ticket: int
    max_ticket: int
    sectors: tuple[str, ...]
    employee_cap: int


def reasons(rules: Rules, company_country: str, sector: str, requested_amount: int | None,
            full_time: int | None, part_time: int | None) -> list[str]:
    """Codes of the rules the application breaks; empty when it is eligible."""
    problems = []
    if company_country != rules.country:
        problems.append("country")
    if requested_amount is None or not rules.min_ticket <= requested_amount <= rules.max_ticket:
        problems.append("ticket")
    if rules.sectors and sector not in rules.sectors:
        problems.append("sector")
    if (full_time or 0) + (part_time or 0) >= rules.employee_cap:
        problems.append("employees")
    return problems
