"""The Alembic revisions build exactly the models' schema, and PostgreSQL's own guards hold."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from housing.extensions import db
from housing.models import Base, Tenancy
from tests.factories import make_person, make_place, make_tenancy, make_unit


def test_no_model_change_is_missing_a_revision(app):
    # The schema under test was built by running every revision from an empty database.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_revision_files_have_dated_names_and_do_not_import_the_app():
    from pathlib import Path

    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    files = sorted(versions.glob("*.py"))
    assert files
    for path in files:
        assert path.name[:8].isdigit() and path.name[8] == "_", path.name
        assert "import housing" not in path.read_text() and "from housing" not in path.read_text(), path.name


def test_postgresql_refuses_overlapping_tenancies_of_one_place(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL")
    place = make_place(make_unit())
    make_tenancy(make_person(), place, date(2026, 1, 1), planned_move_out=date(2026, 7, 1))
    db.session.commit()
    # Back to back is fine: the move-out day is free again.
    make_tenancy(make_person(), place, date(2026, 7, 1), actual_move_out=date(2026, 9, 1))
    db.session.commit()
    db.session.add(Tenancy(young_person_id=make_person().id, place_id=place.id, move_in=date(2026, 8, 15)))
    with pytest.raises(IntegrityError, match="ex_tenancies_place_period"):
        db.session.commit()
    db.session.rollback()
