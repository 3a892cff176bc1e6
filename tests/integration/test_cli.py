"""Commands: demo, create-admin, create-token."""
from sqlalchemy import func, select

from fundapp.auth.models import ApiToken, Grant, User
from fundapp.funds.models import Fund
from tests.factories import UserFactory


def test_demo_seeds_three_funds_with_every_role(runner, db):
    result = runner.invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    funds = {f.name: f for f in db.session.scalars(select(Fund))}
    assert sorted((f.currency, f.language) for f in funds.values()) == [
        ("JOD", "en"), ("KES", "en"), ("XOF", "fr")]
    for role in ("manager", "reviewer", "partner"):
        assert db.session.scalar(select(func.count(Grant.id)).where(Grant.role == role)) >= 3
    assert "admin@fundapp.example" in result.output and "founder@fundapp.example" in result.output
    assert "openai.kenya@fundapp.example" in result.output
    _demo_has_headcount_reports(funds)
    again = runner.invoke(args=["demo", "--no-serve"])
    assert again.exit_code == 0 and "left as it is" in again.output
    assert db.session.scalar(select(func.count(Fund.id))) == 3


def test_create_admin(runner, db):
    result = runner.invoke(args=["create-admin", "root@example.org", "--password", "a sturdy passphrase 2026"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "root@example.org")).is_admin
    weak = runner.invoke(args=["create-admin", "other@example.org", "--password", "password"])
    assert weak.exit_code != 0 and "password" in weak.output


def test_create_token_prints_a_working_token(runner, client, db):
    UserFactory(email="m@example.org")
    result = runner.invoke(args=["create-token", "m@example.org"])
    assert result.exit_code == 0
    secret = result.output.strip()
    assert db.session.scalar(select(ApiToken)).token_hash != secret
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert runner.invoke(args=["create-token", "nobody@example.org"]).exit_code != 0


def _demo_has_headcount_reports(funds):
    """Every invested company reports; some quarters are missing, some not verified, one company per
    fund is written off, and the founder's company awaits its latest report."""
    from datetime import date

    from fundapp.jobs import services as jobs
    for fund in funds.values():
        statuses = jobs.reporting_status(jobs.invested_company_ids(fund.id), fund.id)
        assert all(status.filed for status in statuses)
        assert any(status.missing for status in statuses) and any(status.unverified for status in statuses)
        figures = jobs.load_jobs(fund).figures(date.today())
        assert figures.net_created > 0 and 0 < figures.verified_share < 1
        written_off = [row for row in jobs.company_table(jobs.load_jobs(fund), figures)
                       if row.state == "written_off"]
        assert len(written_off) == 1 and written_off[0].figures.current_fte == 0
    kenya = next(f for f in funds.values() if f.currency == "KES")
    founders = {s.company.name: s for s in jobs.reporting_status(jobs.invested_company_ids(kenya.id), kenya.id)
                if s.company.owner_id}
    assert set(founders) == {"Afya Connect", "Mkulima Market"}     # the demo founder's; one invested today
    assert founders["Afya Connect"].missing and founders["Afya Connect"].unverified


def test_backup_and_restore_round_trip_the_demo(runner, db, tmp_path):
    from fundapp.funds.models import Fund
    copy = tmp_path / "fundapp-backup.db"
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    made = runner.invoke(args=["backup", str(copy)])
    if db.engine.url.get_backend_name() != "sqlite":
        assert made.exit_code == 1 and "pg_dump" in made.output        # PostgreSQL's own tools
        return
    assert made.exit_code == 0, made.output
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 1     # never overwrites
    before = {f.name for f in db.session.scalars(select(Fund))}
    from tests.factories import FundFactory
    FundFactory(name="Made after the backup")
    db.session.commit()
    restored = runner.invoke(args=["restore", str(copy), "--yes"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    assert {f.name for f in db.session.scalars(select(Fund))} == before
    assert runner.invoke(args=["verify-ledger"]).exit_code == 0
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    assert runner.invoke(args=["restore", str(not_a_backup), "--yes"]).exit_code == 1
