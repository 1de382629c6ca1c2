"""One transaction for a CLI command: commit it all, or report every problem and change nothing."""
import click

from api.extensions import db


def commit_or_report(work, problem_types: tuple[type[Exception], ...]):
    """Run `work()`, then commit. An exception of `problem_types` (with a `problems` list) rolls
    back, prints each problem and exits 1; any other exception rolls back and propagates."""
    try:
        result = work()
        db.session.commit()
        return result
    except problem_types as error:
        db.session.rollback()
        for problem in getattr(error, "problems", [str(error)]):
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1)
    except Exception:
        db.session.rollback()
        raise
