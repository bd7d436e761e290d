"""The OpenAPI schema documents API.md's error conventions on every operation (issue 7).

The views document their own 201/200 and the business errors they raise (400, 409 with its
codes); the errors every endpoint can give are added here once, where they apply, so that
the schema lists every status a client can get and the shape of its body:

- 400 `{field: [message, ...]}` or `{"detail"}`: the operation reads a body, a query or a
  header (beyond `?page=`);
- 401 not logged in, 403 role, office or CSRF refused `{"detail"}`: it needs a login;
- 404 not found or not visible (`{"detail"}`, or the site's page for a path that names no
  object): it has a path parameter, or `?page=` (a page past the end);
- 415 `{"detail"}`: it reads a body, sent in a media type it does not read.

An error response a view documented with a description only gets the body shape here too.
"""

ERROR = "Error"
CONFLICT = "Conflict"
VALIDATION = "ValidationError"
SCHEMAS = {
    ERROR: {
        "type": "object",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail"],
    },
    CONFLICT: {
        "type": "object",
        "description": "A business-state conflict: a stable `code` and a message; some codes "
        "add fields (e.g. `claimed` adds `owner`, `protected_until`).",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail", "code"],
    },
    VALIDATION: {
        "type": "object",
        "description": "Messages by field (`{field: [message, ...]}`), or `{detail}`.",
        "additionalProperties": True,
    },
}
BODY_OF = {
    "400": VALIDATION,
    "401": ERROR,
    "403": ERROR,
    "409": CONFLICT,
    "415": ERROR,
    "422": CONFLICT,
    "429": ERROR,
}
METHODS = ("get", "put", "post", "patch", "delete")


def _body(name: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _errors_of(operation: dict) -> dict[str, str]:
    """The status codes any endpoint like this one can answer, with their descriptions."""
    parameters = operation.get("parameters", [])
    reads_input = "requestBody" in operation or any(
        p["in"] in ("query", "header") and p["name"] != "page" for p in parameters
    )
    security = operation.get("security", [])
    logged_in = bool(security) and {} not in security
    finds = any(p["in"] == "path" or p["name"] == "page" for p in parameters)
    errors = {}
    if reads_input:
        errors["400"] = "Bad input: messages by field."
    if logged_in:
        errors["401"] = "Not logged in."
        errors["403"] = "This role or office may not do this."
    if finds:
        errors["404"] = "Not found, or not visible to this user."
    if "requestBody" in operation:
        errors["415"] = "The body is not in a media type the operation reads."
    return errors


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in SCHEMAS.items():
        components.setdefault(name, schema)
    for path, item in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in _errors_of(operation).items():
                responses.setdefault(status, {"description": description})
            for status, name in BODY_OF.items():
                if status in responses and "content" not in responses[status]:
                    responses[status]["content"] = _body(name)
    return result
