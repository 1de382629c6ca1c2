"""Query-string loading shared by every view: one place that rejects bad arguments."""
from flask import request
from marshmallow import Schema, ValidationError

from api.problems import Problem
from api.read.snapshot import request_snapshot


def load_query(schema: Schema) -> dict:
    """Validated arguments; a repeated, unknown or invalid parameter is a 400 naming it.

    `dataset_version` is validated here and resolved by api.read.snapshot (an unknown one is a 404
    before the view runs); it is not among the returned arguments.
    """
    repeated = sorted(name for name in request.args if len(request.args.getlist(name)) > 1)
    if repeated:
        params = [{"name": name, "reason": "Given more than once; give it once."} for name in repeated]
        raise Problem(400, f"{', '.join(repeated)}: given more than once.",
                      invalid_params=params)
    try:
        args = schema.load(request.args.to_dict())
        args.pop("dataset_version", None)
        request_snapshot()
        return args
    except ValidationError as error:
        valid = ", ".join(sorted(field.data_key or name for name, field in schema.load_fields.items())) or "none"
        messages = error.messages if isinstance(error.messages, dict) else {}
        for name, reasons in messages.items():
            if reasons == ["Unknown field."]:
                error.messages[name] = [f"Unknown parameter; valid parameters: {valid}."]
        raise
