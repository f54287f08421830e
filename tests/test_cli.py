"""The flask commands of DESIGN.md: create-user, seed-demo, exercises check."""

from __future__ import annotations

from pathlib import Path

from profiler import accounts
from profiler.extensions import db
from profiler.models import User

ROOT = Path(__file__).resolve().parent.parent


def test_exercises_check_passes_on_the_shipped_library(app):
    result = app.test_cli_runner().invoke(args=["exercises", "check"])
    assert result.exit_code == 0, result.output
    assert "heeft geen fouten" in result.output


def test_exercises_check_reports_file_and_line_and_exits_1(app):
    app.config["CONTENT_DIR"] = str(ROOT / "tests" / "fixtures" / "library_broken")
    result = app.test_cli_runner().invoke(args=["exercises", "check"])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    path, line, message = first.split(":", 2)
    assert path.startswith("exercises/") and line.isdigit() and message.strip()
    assert "onbekende sleutel 'colour'" in result.output  # Dutch unless asked otherwise
    assert result.output.rstrip().endswith("fouten in " + app.config["CONTENT_DIR"])


def test_exercises_check_speaks_english_when_asked(app):
    app.config["CONTENT_DIR"] = str(ROOT / "tests" / "fixtures" / "library_broken")
    result = app.test_cli_runner().invoke(args=["exercises", "check", "--lang", "en"])
    assert result.exit_code == 1
    assert "front matter has an unknown key 'colour'; allowed keys are:" in result.output
    assert "onbekende" not in result.output and "fouten" not in result.output


def test_create_user_reads_the_password_from_stdin(app):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--role",
            "coach",
            "--email",
            "Karin@Example.nl",
            "--name",
            "Karin",
            "--password-stdin",
        ],
        input="een lang wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    assert accounts.authenticate(db.session, "karin@example.nl", "een lang wachtwoord")


def test_create_user_refuses_a_weak_password_with_a_reason(app):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--role",
            "coach",
            "--email",
            "k@example.nl",
            "--name",
            "K",
            "--password-stdin",
        ],
        input="123456\n",
    )
    assert result.exit_code != 0
    assert "8 tekens" in result.output
    assert db.session.query(User).count() == 0


def test_seed_demo_prints_logins_that_work_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    rows = [line.split() for line in first.output.splitlines() if line.startswith("  ")]
    assert {row[0] for row in rows} == {"admin", "coach", "client"}
    for _role, email, password in rows:
        assert accounts.authenticate(db.session, email, password), email
    count = db.session.query(User).count()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.query(User).count() == count


def test_demo_staff_log_in_with_the_printed_second_step(app):
    import pyotp

    from profiler.demo import DEMO_TOTP_SECRET
    from profiler.security import totp

    runner = app.test_cli_runner()
    output = runner.invoke(args=["seed-demo"]).output
    assert DEMO_TOTP_SECRET in output
    coach = accounts.find_by_email(db.session, "coach@profiler.test")
    code = runner.invoke(args=["demo-code"]).output.strip()
    assert code == pyotp.TOTP(DEMO_TOTP_SECRET).now()
    assert totp.enabled(coach)
    assert coach.totp_secret.startswith("v1:") and DEMO_TOTP_SECRET not in coach.totp_secret
    assert totp.secret_of(coach) == DEMO_TOTP_SECRET
    app.config["ENV"] = "production"
    assert runner.invoke(args=["demo-code"]).exit_code != 0
