"""The JSON API's one error shape, shared by every app's router and the API's error handlers.

``{"code": ..., "message": ..., "errors": {field: [messages]}}`` (documented in the OpenAPI schema
as ``ErrorOut``).
"""

from ninja import Schema


# An API error: a stable ``code``, a message for people, and messages per field. (No docstring:
# it would become the schema's description, and the published schema stays as it was.)
class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]]


def error_body(code: str, message: str, errors: dict | None = None) -> dict:
    """Return the error shape as a dict: ``code`` and ``message`` text, ``errors`` by field."""
    return {"code": code, "message": message, "errors": errors or {}}
