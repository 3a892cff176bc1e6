"""Errors a user can cause, and the pages and JSON bodies that answer them."""
from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from fundapp.extensions import db


class Refused(Exception):
    """A use case refused its input; fields maps each field name to a message for the user."""

    def __init__(self, fields: dict[str, str], status: int = 422):
        super().__init__(fields)
        self.fields = fields
        self.status = status


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

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
         429: "rate_limited", 500: "server_error"}


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
    return render_template("errors/error.html", status=status,
                           title=TITLES.get(status, TITLES[500]),
                           message=message or MESSAGES.get(status, MESSAGES[500])), status


def handle_http_exception(error: HTTPException):
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


def register_errorhandlers(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(Refused, handle_refused)
    app.register_error_handler(InternalServerError, lambda e: error_response(500))
