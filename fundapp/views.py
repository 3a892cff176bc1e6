"""View helpers shared by the features."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from fundapp.errors import Refused
from fundapp.extensions import db


def reverse_entry(actor, fund, kind: str, entry_id: int, reversible: dict, fund_id_of, back: str):
    """Reverse one ledger row of the fund named by kind (a key of reversible), then go back."""
    if kind not in reversible:
        abort(404)
    model, reverse = reversible[kind]
    entry = db.session.get(model, entry_id)
    if entry is None or fund_id_of(entry) != fund.id:
        abort(404)
    try:
        reverse(actor, fund, entry)
    except Refused as refusal:
        db.session.rollback()
        flash(" ".join(refusal.fields.values()), "danger")
    else:
        db.session.commit()
        flash(_("The entry is reversed."), "success")
    return redirect(url_for(back, fund_id=fund.id))
