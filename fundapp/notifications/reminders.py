"""Reminders (SPEC 13): each in the recipient's language, at most once per period."""
from datetime import date


def send_due(today: date) -> list:
    """Send the reminders due today that were not sent in their period yet; what was sent."""
    return []
