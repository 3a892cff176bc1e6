"""View helpers shared by the features: query strings read within bounds, ledger entries submitted
and reversed."""
from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fundapp import inputs, reversals
from fundapp.auth.permissions import fund_or_404
from fundapp.errors import Refused, input_message
from fundapp.extensions import db
from fundapp.forms import show_refusal


def signed_in_user() -> str:
    """A rate limit's key for what is limited per user (the API's token user or the signed-in one)."""
    user = g.get("api_user") or current_user
    return f"user:{user.id}"


def query_number(name: str, default: int | None = None, maximum: int = inputs.MAX_ID) -> int | None:
    """A whole number of the query string: the default when absent or not a number; a number beyond
    what the database holds names nothing (404)."""
    text = request.args.get(name, "")
    if not str(text).strip():
        return default
    try:
        return inputs.whole_number(text, 1, maximum)
    except inputs.InputError as error:
        if str(error) == "out_of_range":
            abort(404)
        return default


def query_page() -> int:
    """The ?page= of a list, from 1 (a page number beyond a million names nothing)."""
    return query_number("page", 1, inputs.MAX_PAGE)


def form_ids(name: str) -> list[int]:
    """The ids ticked in a form's list: only database ids, anything else left out."""
    ids = []
    for text in request.form.getlist(name):
        try:
            ids.append(inputs.whole_number(text, 1, inputs.MAX_ID))
        except inputs.InputError:
            continue
    return ids


def query_date(name: str = "as_of", default: date | None = None) -> date:
    """A date of the query string (the default, else today, when absent or not a date); a date before
    1900 or more than ten years ahead is refused (422): figures are never computed for centuries."""
    default = default or date.today()
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default
    try:
        return inputs.bounded_date(day)
    except inputs.InputError as error:
        raise Refused({name: input_message(str(error))}) from None


def reverse_entry(fund_id: int, kind: str, entry_id: int, back: str, ability: str = "manage_capital"):
    """Reverse one ledger entry of the fund, then go back to the page it was shown on."""
    fund = fund_or_404(current_user, fund_id, ability)
    entry = reversals.entry_of(fund, kind, entry_id)
    if entry is None:
        abort(404)
    try:
        reversals.reverse(current_user, fund, kind, entry)
    except Refused as refusal:
        db.session.rollback()
        flash(" ".join(refusal.fields.values()), "danger")
    else:
        db.session.commit()
        flash(_("The entry is reversed."), "success")
    return redirect(url_for(back, fund_id=fund.id))


def submit_entry(fund_id: int, form, action, prepare, page, back: str, ability: str = "manage_capital"):
    """Validate a ledger form, run its use case and go back to the page; on refusal show the page
    again with the form's errors (422), nothing saved. prepare(fund, form) fills its choices."""
    fund = fund_or_404(current_user, fund_id, ability)
    prepare(fund, form)
    if form.validate_on_submit():
        try:
            action(fund, form)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Recorded."), "success")
            return redirect(url_for(back, fund_id=fund.id))
    db.session.rollback()
    return page(fund_or_404(current_user, fund_id, ability), form)
