"""The document_choices table made by the real migrations matches the model."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from profiler import create_app
from profiler.documents.models import DocumentChoices
from tests.conftest import ROOT


def test_migrations_create_the_document_choices_table(tmp_path):
    url = f"sqlite:///{tmp_path}/migrated.db"
    app = create_app("config.Testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        from profiler.extensions import db

        db.session.remove()
        db.engine.dispose()
    engine = create_engine(url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("document_choices")}
    finally:
        engine.dispose()
    assert columns == {c.name for c in DocumentChoices.__table__.columns}
