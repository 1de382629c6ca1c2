"""Query-string loading shared by every view: one place that rejects bad arguments."""
from flask import request
from marshmallow import Schema

from .problems import Problem


def load_query(schema: Schema) -> dict:
    """Validated arguments; a repeated, unknown or invalid parameter is a 400 naming it."""
    repeated = sorted(name for name in request.args if len(request.args.getlist(name)) > 1)
    if repeated:
        params = [{"name": name, "reason": "Given more than once; give it once."} for name in repeated]
        raise Problem(400, f"{', '.join(repeated)}: given more than once.",
                      **{"invalid-params": params})
    return schema.load(request.args.to_dict())
