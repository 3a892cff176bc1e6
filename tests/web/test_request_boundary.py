"""The request boundary (fundapp.database.settle): a view's changes are committed once, when it answers
below 400 with nothing refused on the way; anything else rolls all of them back. And each kind of ledger
entry the API may name is reversible by the one reversal."""
import pytest
from sqlalchemy import select

from fundapp.errors import Refused
from fundapp.extensions import db as extension
from fundapp.funds.models import Country
from fundapp.ledger import reversal
from fundapp.ledger.constants import REVERSIBLE_KINDS


def add_country(code: str) -> None:
    extension.session.add(Country(code=code, name=f"Country {code}"))
    extension.session.flush()


@pytest.fixture
def probed(app):
    """The app with routes that write a country, then answer as each case says."""
    def answers(case: str):
        add_country(case[:2].upper())
        if case == "refused-shown":
            # a view that catches a refusal and shows its form again answers 200: still nothing is kept
            try:
                raise Refused({"name": "refused"})
            except Refused:
                return "the form again", 200
        if case == "refused":
            raise Refused({"name": "refused"})
        if case == "failed":
            return "bad", 400
        if case == "crashed":
            raise RuntimeError("crashed")
        return "saved", 302 if case == "redirected" else 200

    app.add_url_rule("/probe/<case>", "probe", answers, methods=["GET", "POST"])
    return app


@pytest.mark.parametrize(("case", "kept"), [
    ("saved", True), ("redirected", True), ("refused-shown", False), ("refused", False),
    ("failed", False), ("crashed", False)])
def test_a_view_is_kept_whole_or_not_at_all(probed, db, case, kept):
    probed.config["PROPAGATE_EXCEPTIONS"] = False
    response = probed.test_client().post(f"/probe/{case}")
    assert response.status_code == {"refused": 422, "crashed": 500}.get(case, response.status_code)
    assert (db.session.scalar(select(Country).where(Country.code == case[:2].upper())) is not None) == kept


def test_every_kind_the_api_names_has_one_reversal(app):
    assert set(reversal.KINDS) == set(REVERSIBLE_KINDS)
