"""The JSON API under /api/v1, documented by the OpenAPI document generated from its schemas."""
from flask import Flask
from flask_smorest import Api

from fundapp.api.schemas import ErrorSchema
from fundapp.errors import handle_http_exception


class FundAPI(Api):
    """flask-smorest with fundapp's error body: {"error": {"code", "message", "fields"}}."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return handle_http_exception(error)


api = FundAPI(spec_kwargs={
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
})


def register_api(app: Flask) -> None:
    from fundapp.api import (
        applications,
        capital,
        funds,
        jobs,
        notifications,
        reports,
        suggestions,
        tokens,
        users,
    )
    from fundapp.extensions import csrf

    api.init_app(app)
    for blueprint in (tokens.blp, users.blp, users.countries, funds.blp, capital.blp, applications.blp,
                      jobs.blp, reports.blp, notifications.blp, notifications.outbox_blp, suggestions.blp,
                      suggestions.expertise_blp):
        # Bearer tokens, not cookies, authenticate the API: CSRF does not apply.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
