"""The `collector` command: one typer app; each noun (db, plan, people, round, update, review, mail, report,
serve) lives in its own module, beside two single commands (demo, doctor).

Errors the user can fix (UserError) are printed as one line on stderr with exit code 1; usage errors exit
with 2 (click's convention); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import typer

from collector.core.errors import UserError

from . import db as db_cli
from . import demo as demo_cli
from . import doctor as doctor_cli
from . import mail as mail_cli
from . import people as people_cli
from . import plan as plan_cli
from . import report as report_cli
from . import review as review_cli
from . import round as round_cli
from . import serve as serve_cli
from . import update as update_cli
from .context import console_err

app = typer.Typer(
    name="collector",
    help="Collect progress on an action plan from its leads and compile the committee's report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db_cli.app, name="db")
app.add_typer(plan_cli.app, name="plan")
app.add_typer(people_cli.app, name="people")
app.add_typer(round_cli.app, name="round")
app.add_typer(update_cli.app, name="update")
app.add_typer(review_cli.app, name="review")
app.add_typer(serve_cli.app, name="serve")
app.add_typer(mail_cli.app, name="mail")
app.add_typer(report_cli.app, name="report")
app.command("demo")(demo_cli.demo)
app.command("doctor")(doctor_cli.doctor)


def main() -> None:
    try:
        app()
    except UserError as exc:
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
