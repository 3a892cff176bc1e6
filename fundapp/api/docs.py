"""The error responses every API operation documents."""

ERRORS = {
    401: "No valid bearer token.",
    403: "Your role does not allow this.",
    404: "No such object, or none of yours.",
    422: "Invalid input; 'fields' names each problem.",
}


def documented_errors(blp):
    """A decorator documenting the API's error responses on an operation of blp."""
    def decorate(view):
        for status, description in ERRORS.items():
            view = blp.alt_response(status, schema="Error", description=description)(view)
        return view
    return decorate
