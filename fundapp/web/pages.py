"""Whole pages kept per fund activity revision.

A page viewed again by the same person, in the same session, language and day, is served as it was
rendered while nothing recorded in the fund has changed since (fundapp.revisions). Only a signed-in
GET with no message waiting is kept, and only a page rendered whole: never an error, a redirect, a
download or a page that showed a message.
"""
import hashlib
from datetime import date

from flask import g, request, session
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_login import current_user

from fundapp.extensions import cache
from fundapp.funds.models import Fund
from fundapp.revisions import pending, revision_of


def _key(*_args, fund_id: int, **_kwargs) -> str:
    # The revision is read before the page: a page is never kept under a revision newer than its data.
    parts = (request.full_path, fund_id, revision_of(Fund.activity_revision, fund_id), current_user.id,
             str(get_locale()), session["csrf_token"], date.today(), g.get("unread_notifications"))
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _not_kept() -> bool:
    return (request.method != "GET" or not current_user.is_authenticated or "_flashes" in session
            or "csrf_token" not in session or pending())


def _whole_page(response) -> bool:
    return isinstance(response, str) and not request_ctx.flashes


def kept_page(view):
    """Keep the view's page (the view takes fund_id) until the fund changes or the page grows old."""
    return cache.cached(make_cache_key=_key, unless=_not_kept, response_filter=_whole_page)(view)
