"""Query-string loading shared by every view: one place that rejects bad arguments."""
from flask import request
from marshmallow import Schema, ValidationError

from api.problems import Problem
from api.read.snapshot import depends_on_today, request_snapshot
from api.urls import CREDENTIAL

# Parameters any read accepts and ignores: cache-busters (jQuery's `_`) and campaign tags (`utm_*`).
IGNORED_PARAMETERS = ("_",)
IGNORED_PREFIXES = ("utm_",)


def ignorable(name: str) -> bool:
    return name in IGNORED_PARAMETERS or name.startswith(IGNORED_PREFIXES)


def load_query(schema: Schema) -> dict:
    """Validated arguments; a repeated, unknown or invalid parameter is a 400 naming it
    (the ignorable ones, `_` and `utm_*`, are dropped first).

    `dataset_version` is validated here and resolved by api.read.snapshot (an unknown one is a 404
    before the view runs); it is not among the returned arguments.
    """
    given = {name: value for name, value in request.args.items() if not ignorable(name)}
    repeated = sorted(name for name in given if len(request.args.getlist(name)) > 1)
    if repeated:
        params = [{"name": name, "reason": "Given more than once; give it once."} for name in repeated]
        raise Problem(400, f"{', '.join(repeated)}: given more than once.",
                      invalid_params=params)
    try:
        args = schema.load(given)
        args.pop("dataset_version", None)
        request_snapshot()
        if "as_of" in schema.load_fields and "as_of" not in given:
            depends_on_today()
        return args
    except ValidationError as error:
        valid = ", ".join(sorted(field.data_key or name for name, field in schema.load_fields.items())) or "none"
        messages = error.messages if isinstance(error.messages, dict) else {}
        for name, reasons in messages.items():
            if reasons == ["Unknown field."] and CREDENTIAL.match(name):
                error.messages[name] = ["Credentials are not accepted in the URL (logs and caches keep URLs); "
                                        "send them in the X-API-Key or Authorization header."]
            elif reasons == ["Unknown field."]:
                error.messages[name] = [f"Unknown parameter; valid parameters: {valid}."]
        raise
