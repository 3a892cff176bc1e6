"""View helpers shared by the features."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fundapp import reversals
from fundapp.auth.permissions import fund_or_404
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.forms import show_refusal


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
