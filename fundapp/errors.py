"""Errors a user can cause, and the pages and JSON bodies that answer them."""
import json
from urllib.parse import urlencode

from flask import current_app, g, has_request_context, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from fundapp import inputs
from fundapp.extensions import db


class Refused(Exception):
    """A use case refused its input; fields maps each field name to a message for the user. A request
    in which something was refused commits nothing (fundapp.database.settle), whatever its view shows."""

    def __init__(self, fields: dict[str, str], status: int = 422):
        super().__init__(fields)
        self.fields = fields
        self.status = status
        if has_request_context():
            g.refused = True


TITLES = {
    400: _l("Bad request"),
    401: _l("Sign in required"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Changed meanwhile"),
    413: _l("File too large"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}

MESSAGES = {
    400: _l("The request could not be understood. Reload the page and try again."),
    401: _l("Sign in to continue."),
    403: _l("Your role does not allow this action."),
    404: _l("There is nothing here, or you have no access to it."),
    405: _l("This address does not accept that kind of request."),
    409: _l("Someone changed this in the meantime. Reload the page and try again."),
    413: _l("The upload is larger than allowed."),
    422: _l("Some values are not valid."),
    429: _l("Too many attempts. Wait a minute and try again."),
    500: _l("An unexpected error occurred. It has been logged; please try again later."),
}

INPUT_MESSAGES = {
    "not_a_whole_number": _l("Enter a whole number."),
    "out_of_range": _l("This number is out of range."),
    "too_early": _l("Enter a date after 1900."),
    "too_late": _l("Enter a date at most ten years ahead."),
    "control_character": _l("Remove the invisible control character from this text."),
    "too_long": _l("This value is too long."),
}


def input_message(code: str) -> str:
    """The user's words for an inputs.InputError code."""
    return str(INPUT_MESSAGES[code])


CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
         429: "rate_limited", 500: "server_error"}


# The words a page shows for the names of its address's query string, when a value there is refused.
QUERY_LABELS = {
    "as_of": _l("Figures as of"), "page": _l("Page"), "region": _l("Region"), "sector": _l("Sector"),
    "state": _l("State"), "sort": _l("Sort by"), "reviewer": _l("Reviewer"),
    "min_amount": _l("Minimum amount"), "max_amount": _l("Maximum amount"), "company": _l("Company"),
    "q": _l("Search"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str | None = None, fields: dict | None = None):
    """The API's error body: {"error": {"code", "message", "fields"}}."""
    body = {"error": {"code": CODES.get(status, "error"),
                      "message": str(message or MESSAGES.get(status, "")),
                      "fields": fields or {}}}
    return jsonify(body), status


def error_response(status: int, message: str | None = None, fields: dict | None = None):
    """Answer an error as JSON under /api/, as a page elsewhere; never with a traceback."""
    if wants_json():
        return json_error(status, message, fields)
    fields, without = fields or {}, None
    if request.method == "GET" and fields and all(name in request.args for name in fields):
        # the refused values are in the page's address: offer the page without them
        kept = [(name, value) for name, value in request.args.items(multi=True) if name not in fields]
        without = request.path + ("?" + urlencode(kept) if kept else "")
        message = message or _l("The address of this page holds a value that cannot be used.")
        fields = {str(QUERY_LABELS.get(name, name)): problem for name, problem in fields.items()}
    return render_template("errors/error.html", status=status, title=TITLES.get(status, TITLES[500]),
                           fields=fields, without=without,
                           message=message or MESSAGES.get(status, MESSAGES[500])), status


def handle_http_exception(error: HTTPException):
    if isinstance(error, SecurityError):
        # a host not among TRUSTED_HOSTS: no address of this site can be built for the answer
        return str(TITLES[400]), 400, {"Content-Type": "text/plain; charset=utf-8"}
    status = error.code or 500
    if status not in TITLES:
        status = 400 if 400 <= status < 500 else 500
    fields = None
    data = getattr(error, "data", None)
    if isinstance(data, dict) and "messages" in data:  # webargs validation of an API body
        fields = flatten_messages(data["messages"])
    message = None
    if isinstance(error, CSRFError):
        message = _l("Your form expired or was sent from elsewhere. Reload the page and try again.")
    response = error_response(status, message, fields)
    if status == 429 or status == 405:
        body, code = response
        headers = error.get_response().headers
        response = (body, code, {k: v for k, v in headers.items()
                                 if k in ("Retry-After", "Allow")})
    return response


def handle_refused(error: Refused):
    return error_response(error.status, None, error.fields)


def flatten_messages(messages: dict) -> dict[str, str]:
    """webargs nests messages by location (json, query, files); keep field -> first message."""
    flat = {}
    for location in messages.values():
        if isinstance(location, dict):
            for field, problems in location.items():
                flat[field] = problems[0] if isinstance(problems, list) else str(problems)
    return flat


def handle_stale(_error):
    """Two people changed the same record at once: the later one is told, nothing is lost."""
    db.session.rollback()
    return error_response(409)


# PostgreSQL's answers to two transactions in each other's way: could not serialize, deadlock, lock
# not available. Like a unique rule broken by a twin request, they mean "changed meanwhile".
CONCURRENCY_STATES = frozenset({"40001", "40P01", "55P03"})


def handle_integrity_error(_error: IntegrityError):
    """Two requests wrote the same thing at once (a registration, an assignment, a review, a report's
    version): the later one is told, and nothing of it is kept."""
    db.session.rollback()
    return error_response(409)


def handle_operational_error(error: OperationalError):
    db.session.rollback()
    if getattr(error.orig, "sqlstate", None) in CONCURRENCY_STATES:
        return error_response(409)
    current_app.logger.exception("database error", exc_info=error)
    return error_response(500)


def handle_server_error(_error):
    """An unexpected failure: the transaction it left behind is dropped first, so that the error page
    itself can read what it shows."""
    db.session.rollback()
    return error_response(500)


def _texts(value, field: str = ""):
    """The strings of a parsed JSON value, keys included, each with the top-level field it is under
    (walked without recursion: a body may nest as deep as the JSON parser allows)."""
    stack = [(value, field)]
    while stack:
        value, field = stack.pop()
        if isinstance(value, str):
            yield field, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield (field or str(key)), str(key)
                stack.append((item, field or str(key)))
        elif isinstance(value, list):
            stack.extend((item, field) for item in value)


def _json_body():
    """The request's JSON body, parsed once; ValueError when it is not JSON the API could read (an
    integer of thousands of digits, nesting beyond the parser's depth included)."""
    data = request.get_data(cache=True)
    if not data.strip():
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None


def _sent_texts():
    """(where, field, text) for every text of the request that could reach the database: the path,
    the query string, form fields and a JSON body's values and keys."""
    yield "path", "path", request.path
    for where, source in (("query", request.args), ("body", request.form)):
        for name, values in source.lists():
            for text in (name, *values):
                yield where, name, text
    if request.is_json:
        for field, text in _texts(_json_body()):
            yield "body", field, text


def refuse_nul_bytes():
    """Before every request: a NUL byte anywhere it could reach the database answers 422 naming its
    field (PostgreSQL cannot store one in text, and nobody types one), and so does any control
    character in the query string; a path holding one names nothing (404). Forms and API schemas
    refuse the other control characters of what they read, on their fields."""
    try:
        sent = list(_sent_texts())
    except ValueError:
        return error_response(400, _l("The request's body is not JSON that can be read."))
    for where, field, text in sent:
        found = inputs.control_character(text)
        if found and (where != "body" or found == "\x00"):
            if where == "path":
                return error_response(404)
            return error_response(422, None, {field: input_message("control_character")})
    return None


def register_errorhandlers(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(Refused, handle_refused)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.before_request(refuse_nul_bytes)
