"""Two-factor secrets are encrypted at rest: Fernet keys from the settings or SECRET_KEY."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pyotp
import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from profiler import clock
from profiler.extensions import db as _db
from profiler.models import Role, User
from profiler.security import secret_box, totp
from tests.conftest import PASSWORD, ROOT, TOTP_SECRET, csrf_token, make_user

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def password_step(http, email):
    token = csrf_token(http)
    return http.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})


def code_step(http, code):
    token = csrf_token(http, "/login/code")
    return http.post("/login/code", data={"code": code, "csrf_token": token})


def stored(db, user_id: int) -> str | None:
    """The column as it is in the database."""
    sql = text("SELECT totp_secret FROM users WHERE id = :id")
    return db.execute(sql, {"id": user_id}).scalar()


def legacy_user(db, role=Role.COACH, email="coach@example.nl") -> User:
    """A user whose secret is stored the old way: plain base32."""
    user = make_user(role, email)
    user.totp_secret = TOTP_SECRET
    db.commit()
    return user


# --- the pure functions ---------------------------------------------------------------------


def test_encrypt_prefixes_and_round_trips_and_a_legacy_value_passes_through():
    box = secret_box.make_box(None, "a secret key")
    sealed = secret_box.encrypt(box, TOTP_SECRET)
    assert sealed.startswith("v1:") and TOTP_SECRET not in sealed
    assert len(sealed) <= 255
    assert secret_box.is_encrypted(sealed) and not secret_box.is_encrypted(TOTP_SECRET)
    assert secret_box.decrypt(box, sealed) == TOTP_SECRET
    assert secret_box.decrypt(box, TOTP_SECRET) == TOTP_SECRET
    assert secret_box.encrypt(box, TOTP_SECRET) != sealed  # a fresh IV each time


def test_the_key_derived_from_secret_key_is_stable_and_depends_on_it():
    first = secret_box.derived_key("a secret key")
    assert first == secret_box.derived_key(b"a secret key")
    assert first != secret_box.derived_key("another secret key")
    Fernet(first)  # a valid Fernet key
    sealed = secret_box.encrypt(secret_box.make_box(None, "a secret key"), TOTP_SECRET)
    with pytest.raises(secret_box.Undecryptable):
        secret_box.decrypt(secret_box.make_box(None, "another secret key"), sealed)


def test_keys_setting_first_encrypts_all_decrypt():
    old_box = secret_box.make_box(OLD_KEY, "k")
    from_old = secret_box.encrypt(old_box, TOTP_SECRET)
    box = secret_box.make_box(f" {NEW_KEY} , {OLD_KEY} ", "k")
    assert secret_box.decrypt(box, from_old) == TOTP_SECRET
    token = secret_box.encrypt(box, TOTP_SECRET).removeprefix("v1:").encode()
    assert Fernet(NEW_KEY).decrypt(token) == TOTP_SECRET.encode()
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(token)
    rotated = secret_box.reencrypt(box, from_old).removeprefix("v1:").encode()
    assert Fernet(NEW_KEY).decrypt(rotated) == TOTP_SECRET.encode()


def test_a_malformed_key_is_refused_without_showing_it():
    with pytest.raises(ValueError, match="TOTP_ENCRYPTION_KEYS") as caught:
        secret_box.make_box(f"{NEW_KEY},not-a-key-abc", "k")
    assert "key 2" in str(caught.value) and "not-a-key-abc" not in str(caught.value)
    with pytest.raises(ValueError, match="TOTP_ENCRYPTION_KEYS"):
        secret_box.make_box(["", " "], "")  # nothing to encrypt with at all


def test_the_app_refuses_to_start_with_a_malformed_key(tmp_path):
    from profiler import create_app

    with pytest.raises(RuntimeError, match="PROFILER_TOTP_ENCRYPTION_KEYS"):
        create_app(
            "config.Testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db",
            TOTP_ENCRYPTION_KEYS="not-a-key",
        )


# --- through the app ------------------------------------------------------------------------


def test_setup_stores_an_encrypted_secret_and_its_codes_work(app, client, db, ticking):
    coach = make_user(Role.COACH, "new.coach@example.nl", two_factor=False)
    password_step(client, "new.coach@example.nl")
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    token = csrf_token(client, "/account/two-factor")
    done = client.post(
        "/account/two-factor",
        data={"code": pyotp.TOTP(secret).at(ticking.at), "csrf_token": token},
    )
    assert done.status_code == 200 and "<code>" in done.get_data(as_text=True)
    column = stored(db, coach.id)
    assert column.startswith("v1:") and secret not in column
    db.expire_all()
    assert totp.secret_of(db.get(User, coach.id)) == secret
    ticking.at += timedelta(seconds=30)
    later = app.test_client()
    password_step(later, "new.coach@example.nl")
    response = code_step(later, pyotp.TOTP(secret).at(ticking.at))
    assert response.status_code == 302 and response.headers["Location"] == "/coach"


def test_make_user_and_disable_go_through_the_encryption(app, db):
    coach = make_user(Role.COACH, "coach@example.nl")
    assert stored(db, coach.id).startswith("v1:")
    assert totp.secret_of(coach) == TOTP_SECRET
    totp.disable(db, coach, by=None, now=clock.now())
    db.commit()
    assert stored(db, coach.id) is None and totp.secret_of(coach) is None


def test_a_legacy_plain_secret_still_logs_in_and_is_encrypted_afterwards(app, db, ticking):
    coach = legacy_user(db)
    assert stored(db, coach.id) == TOTP_SECRET
    wrong = app.test_client()
    password_step(wrong, "coach@example.nl")
    assert code_step(wrong, "000000").status_code == 200
    assert stored(db, coach.id) == TOTP_SECRET  # only a right code re-encrypts
    http = app.test_client()
    password_step(http, "coach@example.nl")
    response = code_step(http, pyotp.TOTP(TOTP_SECRET).at(ticking.at))
    assert response.status_code == 302 and response.headers["Location"] == "/coach"
    column = stored(db, coach.id)
    assert column.startswith("v1:") and TOTP_SECRET not in column
    db.expire_all()
    assert totp.secret_of(db.get(User, coach.id)) == TOTP_SECRET
    ticking.at += timedelta(seconds=30)
    again = app.test_client()
    password_step(again, "coach@example.nl")
    assert code_step(again, pyotp.TOTP(TOTP_SECRET).at(ticking.at)).status_code == 302


def test_rotation_the_old_key_second_still_decrypts_new_writes_use_the_first(app, db, ticking):
    app.config["TOTP_ENCRYPTION_KEYS"] = OLD_KEY
    coach = make_user(Role.COACH, "coach@example.nl")
    Fernet(OLD_KEY).decrypt(stored(db, coach.id).removeprefix("v1:").encode())
    app.config["TOTP_ENCRYPTION_KEYS"] = f"{NEW_KEY},{OLD_KEY}"
    http = app.test_client()
    password_step(http, "coach@example.nl")
    response = code_step(http, pyotp.TOTP(TOTP_SECRET).at(ticking.at))
    assert response.status_code == 302 and response.headers["Location"] == "/coach"
    totp.store_secret(coach, TOTP_SECRET)
    db.commit()
    token = stored(db, coach.id).removeprefix("v1:").encode()
    assert Fernet(NEW_KEY).decrypt(token) == TOTP_SECRET.encode()
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(token)


def test_setting_keys_later_still_reads_secrets_encrypted_with_secret_key(app, db):
    coach = make_user(Role.COACH, "coach@example.nl")  # encrypted with the derived key
    app.config["TOTP_ENCRYPTION_KEYS"] = NEW_KEY
    db.expire_all()
    assert totp.secret_of(db.get(User, coach.id)) == TOTP_SECRET


def test_the_rotate_command_moves_every_secret_to_the_first_key(app, db):
    app.config["TOTP_ENCRYPTION_KEYS"] = OLD_KEY
    coach = make_user(Role.COACH, "coach@example.nl")
    app.config["TOTP_ENCRYPTION_KEYS"] = f"{NEW_KEY},{OLD_KEY}"
    result = app.test_cli_runner().invoke(args=["encrypt-totp-secrets", "--rotate"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 " in result.output
    app.config["TOTP_ENCRYPTION_KEYS"] = NEW_KEY  # the old key can go now
    db.expire_all()
    assert totp.secret_of(db.get(User, coach.id)) == TOTP_SECRET


def test_a_wrong_key_refuses_the_code_without_crashing_and_a_recovery_code_works(
    app, db, ticking, caplog
):
    coach = make_user(Role.COACH, "coach@example.nl")
    codes = totp.new_recovery_codes(coach)
    db.commit()
    column = stored(db, coach.id)
    app.config["SECRET_KEY"] = "a new secret key, no TOTP_ENCRYPTION_KEYS set"
    http = app.test_client()
    assert password_step(http, "coach@example.nl").headers["Location"] == "/login/code"
    with caplog.at_level(logging.WARNING, logger="profiler.security.totp"):
        response = code_step(http, pyotp.TOTP(TOTP_SECRET).at(ticking.at))
    assert response.status_code == 200 and "klopt niet" in response.get_data(as_text=True)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"user {coach.id}" in m and "cannot be decrypted" in m for m in warnings)
    assert not any(TOTP_SECRET in m or column[3:] in m for m in caplog.text.splitlines())
    assert http.get("/coach").status_code == 302  # not logged in
    recovered = code_step(http, codes[0])
    assert recovered.status_code == 302
    assert recovered.headers["Location"] == "/account/two-factor"  # set the app up again
    skipped = http.get("/coach")  # nothing else until the new app is set up
    assert skipped.status_code == 302 and skipped.headers["Location"] == "/account/two-factor"
    page = http.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    token = csrf_token(http, "/account/two-factor")
    done = http.post(
        "/account/two-factor",
        data={"code": pyotp.TOTP(secret).at(ticking.at), "csrf_token": token},
    )
    new_codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(new_codes) == 10
    db.expire_all()
    assert totp.secret_of(db.get(User, coach.id)) == secret
    assert http.get("/coach").status_code == 200


def test_a_wrong_key_cannot_be_used_to_skip_the_second_factor(app, db, ticking):
    make_user(Role.COACH, "coach@example.nl")
    app.config["SECRET_KEY"] = "a new secret key"
    http = app.test_client()
    assert password_step(http, "coach@example.nl").headers["Location"] == "/login/code"
    assert http.get("/account/two-factor").status_code == 302  # not logged in: no new app
    assert http.get("/coach").status_code == 302


# --- the command and the migration ----------------------------------------------------------


def test_the_command_encrypts_legacy_rows_and_a_second_run_changes_nothing(app, db):
    coach = legacy_user(db)
    admin = make_user(Role.ADMIN, "admin@example.nl")  # already encrypted
    client = make_user(Role.CLIENT, "client@example.nl")  # no two-factor login
    admin_before = stored(db, admin.id)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["encrypt-totp-secrets"])
    assert first.exit_code == 0, first.output
    assert "Encrypted 1 " in first.output and "1 already encrypted" in first.output
    assert stored(db, coach.id).startswith("v1:")
    assert stored(db, admin.id) == admin_before
    assert stored(db, client.id) is None
    db.expire_all()
    assert totp.secret_of(db.get(User, coach.id)) == TOTP_SECRET
    coach_after = stored(db, coach.id)
    second = runner.invoke(args=["encrypt-totp-secrets"])
    assert second.exit_code == 0, second.output
    assert "Encrypted 0 " in second.output and "2 already encrypted" in second.output
    assert stored(db, coach.id) == coach_after


def test_the_command_counts_secrets_the_keys_cannot_open(app, db):
    make_user(Role.COACH, "coach@example.nl")
    app.config["SECRET_KEY"] = "another secret key"
    result = app.test_cli_runner().invoke(args=["encrypt-totp-secrets"])
    assert result.exit_code == 0, result.output
    assert "1 cannot be decrypted" in result.output


def test_decrypt_command_writes_plain_secrets_back_for_a_downgrade(app, db):
    coach = make_user(Role.COACH, "coach@example.nl")
    refused = app.test_cli_runner().invoke(args=["decrypt-totp-secrets"], input="n\n")
    assert refused.exit_code != 0 and stored(db, coach.id).startswith("v1:")
    result = app.test_cli_runner().invoke(args=["decrypt-totp-secrets", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Decrypted 1 " in result.output
    assert stored(db, coach.id) == TOTP_SECRET


MIGRATIONS = str(ROOT / "migrations")
BEFORE = "5e0b7c2d9a41"  # outbox raw message, the revision before the wider column


def totp_column_length() -> int:
    columns = {c["name"]: c for c in inspect(_db.engine).get_columns("users")}
    return columns["totp_secret"]["type"].length


def test_the_migration_widens_the_column_keeps_plain_secrets_and_guards_the_downgrade(
    empty_app, capfd
):
    upgrade(directory=MIGRATIONS, revision=BEFORE)
    assert totp_column_length() == 64
    with _db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, name, role, password_hash, active, locale,"
                " timezone, session_version, created_at, totp_secret) VALUES (1,"
                " 'coach@example.nl', 'Karin', 'coach', 'x', :yes, 'nl', 'Europe/Amsterdam', 1,"
                " '2026-03-01 08:00:00', :secret)"
            ),
            {"yes": True, "secret": TOTP_SECRET},
        )
    upgrade(directory=MIGRATIONS)
    assert totp_column_length() == 255
    with _db.engine.connect() as conn:
        assert conn.execute(text("SELECT totp_secret FROM users")).scalar_one() == TOTP_SECRET
    sealed = secret_box.encrypt(secret_box.make_box(None, "k"), TOTP_SECRET)
    with _db.engine.begin() as conn:
        conn.execute(text("UPDATE users SET totp_secret = :s"), {"s": sealed})  # fits now
    with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits, as `flask db`
        downgrade(directory=MIGRATIONS, revision=BEFORE)
    assert "decrypt-totp-secrets" in capfd.readouterr().err
    assert totp_column_length() == 255
    with _db.engine.begin() as conn:
        conn.execute(text("UPDATE users SET totp_secret = :s"), {"s": TOTP_SECRET})
    downgrade(directory=MIGRATIONS, revision=BEFORE)
    assert totp_column_length() == 64
    with _db.engine.connect() as conn:
        assert conn.execute(text("SELECT totp_secret FROM users")).scalar_one() == TOTP_SECRET
