"""What pages read from their address and forms, within bounds (fundapp.inputs): numbers, pages, dates,
ticked ids; and the key of what is limited per user."""
from datetime import date

from flask import abort, g, request
from flask_login import current_user

from fundapp import inputs
from fundapp.errors import Refused, input_message


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
