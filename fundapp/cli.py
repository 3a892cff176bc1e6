"""Commands: flask --app wsgi demo | worker | reminders | create-admin | create-token | verify-ledger |
report generate | generate-data | backup | restore."""
import sqlite3
import time as clock
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import run_simple

from fundapp.auth import credentials, services, tokens
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.ledger import verification
from fundapp.notifications import reminders as due_reminders
from fundapp.notifications import worker as background_worker
from fundapp.notifications.queue import EmbeddedWorker
from fundapp.quarters import parse_period, quarter_of
from fundapp.reporting import services as reports
from fundapp.reporting.services import report_problems
from fundapp.revisions import forget
from fundapp.seed import demo as demo_data
from fundapp.seed import synthetic


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Migrate and seed, then stop.")
@with_appcontext
def demo(host: str, port: int, no_serve: bool) -> None:
    """Migrate the database, seed the demo funds when it is empty, print the logins and serve."""
    upgrade()
    if demo_data.is_empty():
        logins = demo_data.seed()
        click.echo("Demo data created. Sign in with any of these accounts:")
    else:
        logins = [("every demo account", "…@fundapp.example", demo_data.DEMO_PASSWORD)]
        click.echo("The database already holds data; it was left as it is.")
    for who, email, password in logins:
        click.echo(f"  {who:<70} {email:<40} {password}")
    click.echo("The administrator and the fund managers set up a second factor (an authenticator app or a "
               "passkey) at their first sign-in.")
    # The command's own transaction (it took the write lock to seed or to look) ends before serving:
    # the server's requests must not wait on it.
    db.session.remove()
    if not no_serve:
        click.echo(f"Serving on http://{host}:{port}")
        app = current_app._get_current_object()
        app.config["PUBLIC_URL"] = f"http://{host}:{port}"
        if app.config["JOB_QUEUE"] == "embedded":
            EmbeddedWorker.of(app)
            click.echo("Background work (mail, reminders, long tasks) runs in this process.")
        # Flask refuses app.run() inside its own CLI: serve with Werkzeug directly.
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued and due, then stop.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run a background worker and its schedule: mail from the outbox, long jobs, reminders."""
    app = current_app._get_current_object()
    click.echo(f"Worker on the {app.config['JOB_QUEUE']} queue; "
               f"schedule every {app.config['WORKER_INTERVAL']:g} s.")
    background_worker.work(app, burst=burst)


@click.command("create-admin")
@click.argument("email")
@click.option("--password", required=True, help="At least 12 characters, not a common one.")
@click.option("--name", default="Administrator")
@with_appcontext
def create_admin(email: str, password: str, name: str) -> None:
    """Create a platform administrator."""
    try:
        user, _link = services.create_staff(None, email, name, "en", is_admin=True, password=password)
    except Refused as refusal:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in refusal.fields.items())) from None
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="command line")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    user = services.user_by_email(email)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active user with email {email}.")
    _token, secret = tokens.create_token(user, name)
    db.session.commit()
    click.echo(secret)


@click.command("reset-second-factor")
@click.argument("email")
@with_appcontext
def reset_second_factor(email: str) -> None:
    """Remove a user's second factors (an administrator who lost theirs): it sets up a new one at its next
    sign-in. Check who is asking first."""
    user = services.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    credentials.reset_second_factor(None, user)
    db.session.commit()
    click.echo(f"The second factors of {user.email} are removed; its sessions are ended.")


@click.command("verify-ledger")
@with_appcontext
def verify_ledger() -> None:
    """Re-derive every balance and invariant of the ledger; exit non-zero naming any break."""
    checked, problems = verification.verify_all()
    problems += report_problems()
    for problem in problems:
        click.echo(f"BREAK: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"The ledger reconciles: {len(checked)} funds checked (seals and their chains, reversals, "
               "allocations, payments, commitments, unfunded and cash on every date, the cash equation, "
               "published reports, their files and ledger checkpoints).")
    for fund in checked:
        click.echo(f"  {fund}")


@click.group("report")
def report() -> None:
    """Quarterly reports of the funds."""


@report.command("generate")
@click.option("--fund", "fund_id", type=int, help="The fund's id.")
@click.option("--all", "every_fund", is_flag=True, help="Every fund.")
@click.option("--quarter", "period", required=True, help="The quarter, e.g. 2026Q3.")
@click.option("--publish", is_flag=True, help="Publish the draft: stored with its SHA-256, immutable.")
@click.option("--note", default="", help="What a new version of a published report corrects.")
@click.option("--output", type=click.Path(file_okay=False), help="Also write each PDF into this folder.")
@with_appcontext
def generate_report(fund_id, every_fund, period, publish, note, output) -> None:
    """Generate (and optionally publish) the quarter's report of one fund or of every fund."""
    end = parse_period(period)
    if end is None:
        raise click.BadParameter("write the quarter as 2026Q3", param_hint="--quarter")
    if every_fund == (fund_id is not None):
        raise click.UsageError("Give either --fund ID or --all.")
    funds = db.session.scalars(select(Fund).order_by(Fund.id) if every_fund else
                               select(Fund).where(Fund.id == fund_id)).all()
    if not funds:
        raise click.ClickException(f"No fund with id {fund_id}.")
    done, skipped = [], []
    with click.progressbar(funds, label=f"Reports for {period}", show_pos=True) as bar:
        for fund in bar:
            try:
                draft = reports.generate(None, fund, end.year, quarter_of(end), note)
                made = reports.publish(None, fund, draft) if publish else draft
                data = reports.pdf_of(fund, made)
            except Refused as refusal:
                db.session.rollback()
                skipped.append((fund, " ".join(refusal.fields.values())))
                continue
            db.session.commit()
            if output:
                Path(output).mkdir(parents=True, exist_ok=True)
                (Path(output) / f"report-{fund.id}-{made.period}-v{made.version}.pdf").write_bytes(data)
            done.append((fund, made))
    for fund, made in done:
        stored = f" sha256 {made.sha256} {reports.reports_dir() / made.filename}" if made.published else ""
        click.echo(f"{fund.name}: {made.period} version {made.version} {made.state}{stored}")
    for fund, reason in skipped:
        click.echo(f"{fund.name}: not generated: {reason}", err=True)
    if skipped and not every_fund:
        raise SystemExit(1)


@click.command("generate-data")
@click.option("--applications", default=2000, show_default=True, type=click.IntRange(0, 5_000_000),
              help="Applications in the first fund (a tenth of that in the others).")
@click.option("--seed", default=1, show_default=True, type=int, help="The same seed gives the same data.")
@with_appcontext
def generate_data(applications: int, seed: int) -> None:
    """Fill an empty database with the demo funds and synthetic data at scale (bulk inserts)."""
    upgrade()
    if not demo_data.is_empty():
        raise click.ClickException("The database is not empty: generate-data fills an empty one.")
    # nothing runs beside the bulk load: the mail the demo accounts cause waits in the outbox for a worker
    current_app.config["JOB_QUEUE"] = "manual"
    started = clock.monotonic()
    phases = ["demo"] + [f"{kind} of fund {n}" for n in range(1, 4) for kind in ("applications", "scores",
                                                                               "portfolio")]
    with click.progressbar(length=len(phases), label="Generating", show_eta=False,
                           item_show_func=lambda label: label) as bar:
        counts = synthetic.generate(applications, seed, step=lambda label: bar.update(1, label))
    rows = ", ".join(f"{number} {name.replace('_', ' ')}" for name, number in counts.items())
    click.echo(f"Generated in {clock.monotonic() - started:.0f} s: {rows}.")


POSTGRES_BACKUP = """On PostgreSQL, back up and restore with PostgreSQL's own tools, which copy a live
database consistently:
  pg_dump --format=custom --file=PATH "$DATABASE_URL"
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" PATH
Stop the application servers before a restore and start them after."""


def _sqlite_path() -> str:
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(POSTGRES_BACKUP)
    return url.database


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup(path: str) -> None:
    """Copy the SQLite database to PATH while the application runs (SQLite's online backup)."""
    source = _sqlite_path()
    if Path(path).exists():
        raise click.ClickException(f"{path} exists: choose a new file, a backup never overwrites one.")
    with sqlite3.connect(source) as live, sqlite3.connect(path) as copy:
        live.backup(copy)
    click.echo(f"Backed up {source} to {path} ({Path(path).stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the current data without asking.")
@with_appcontext
def restore(path: str, yes: bool) -> None:
    """Replace the SQLite database's content with a backup made by `backup` (stop the servers first)."""
    target = _sqlite_path()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
        try:
            tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError:
            raise click.ClickException(f"{path} is not a SQLite database.") from None
        if not {"alembic_version", "funds", "users"} <= tables:
            raise click.ClickException(f"{path} is not a fundapp backup.")
        if not yes:
            click.confirm(f"Replace every record of {target} with the backup {path}?", abort=True)
        db.session.remove()
        db.engine.dispose()
        with sqlite3.connect(target) as live:
            copy.backup(live)
    forget()
    click.echo(f"Restored {target} from {path}. Start the application servers again.")


@click.command("reminders")
@click.option("--dry-run", is_flag=True, help="List what would be sent, sending nothing.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day, YYYY-MM-DD (today).")
@with_appcontext
def send_reminders(dry_run: bool, day) -> None:
    """Send the reminders due and not sent yet: recipient, rule and subject of each; --dry-run only lists."""
    today = day.date() if day else date.today()
    # as the worker sends them: links to the public address, each reminder committed on its own
    with background_worker.worker_context(current_app._get_current_object()):
        listed = due_reminders.due(today) if dry_run else due_reminders.send_due(today)
        for reminder in listed:
            click.echo(f"{reminder.user.email}\t{reminder.rule}\t{reminder.subject()}")
        verb = "would be sent" if dry_run else "sent"
        click.echo(f"{len(listed)} reminder(s) {verb} on {today.isoformat()}.")


commands = [demo, worker, send_reminders, create_admin, create_token, reset_second_factor, verify_ledger,
            report, generate_data, backup, restore]
