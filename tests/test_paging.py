"""Pages of long lists (profiler.paging): clamping, positions and the links shown."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.orm import Session

from profiler.paging import link_args, page_of, page_of_query, requested
from tests.conftest import BOTH_DATABASES, database_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("0", 1),
        ("-2", 1),
        ("2.5", 1),
        ("3", 3),
        (" 4 ", 4),
        ("٣", 1),
        ("99999999999999999999", 1),
    ],
)
def test_requested_page_falls_back_to_the_first(value, expected):
    assert requested(value) == expected


def test_pages_cut_the_list_and_count_positions():
    rows = list(range(1, 121))  # 120 rows, 50 per page: 50, 50, 20
    first, second, third = (page_of(rows, n, 50) for n in (1, 2, 3))
    assert (first.items[0], first.items[-1], first.first, first.last) == (1, 50, 1, 50)
    assert (second.first, second.last, second.previous, second.next) == (51, 100, 1, 3)
    assert (third.items, third.first, third.last, third.next) == (rows[100:], 101, 120, None)
    assert first.previous is None and first.pages == third.pages == 3


def test_a_page_past_the_end_shows_the_last_page_and_an_empty_list_one_page():
    assert page_of(list(range(120)), 9, 50).number == 3
    empty = page_of([], 4, 50)
    assert (empty.number, empty.pages, empty.items, empty.first, empty.last) == (1, 1, [], 0, 0)
    assert empty.previous is None and empty.next is None


def test_page_links_show_first_last_and_neighbours_with_gaps():
    rows = list(range(500))  # 10 pages of 50
    assert page_of(rows[:350], 1, 50).numbers == [1, 2, 3, 4, 5, 6, 7]
    assert page_of(rows, 1, 50).numbers == [1, 2, 3, None, 10]
    assert page_of(rows, 5, 50).numbers == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert page_of(rows, 10, 50).numbers == [1, None, 8, 9, 10]
    assert page_of(rows, 4, 50).numbers == [1, 2, 3, 4, 5, 6, None, 10]


def test_page_size_must_be_positive():
    with pytest.raises(ValueError):
        page_of([1], 1, 0)


@pytest.fixture(params=BOTH_DATABASES)
def numbers_table(request, tmp_path):
    """A real table with 120 rows (n = 1..120, "even"/"odd"), on SQLite and on PostgreSQL."""
    metadata = MetaData()
    table = Table(
        "numbers", metadata, Column("n", Integer, primary_key=True), Column("kind", String)
    )
    engine = create_engine(database_url(request, tmp_path))
    metadata.create_all(engine)
    with Session(engine) as session:
        session.execute(
            insert(table),
            [{"n": n, "kind": "even" if n % 2 == 0 else "odd"} for n in range(1, 121)],
        )
        yield session, table
    engine.dispose()


def test_the_database_counts_and_sends_one_page(numbers_table):
    session, table = numbers_table
    query = select(table.c.n).order_by(table.c.n.desc())
    second = page_of_query(session, query, 2, 50)
    assert (second.items[0], second.items[-1], second.total, second.pages) == (70, 21, 120, 3)
    assert page_of_query(session, query, 99, 50).items == list(range(20, 0, -1))
    evens = page_of_query(session, query.where(table.c.kind == "even"), 1, 50)
    assert evens.total == 60 and evens.next == 2 and evens.items[:2] == [120, 118]


def test_a_query_of_several_columns_gives_rows_and_an_empty_one_one_page(numbers_table):
    session, table = numbers_table
    rows = page_of_query(session, select(table.c.n, table.c.kind).order_by(table.c.n), 1, 2)
    assert [tuple(row) for row in rows.items] == [(1, "odd"), (2, "even")]
    none = page_of_query(session, select(table.c.n).where(table.c.n > 500), 3, 50)
    assert (none.items, none.number, none.pages, none.total) == ([], 1, 1, 0)


def test_page_links_carry_only_the_choices_that_are_set():
    assert link_args(q="", status=None, sort="name", attention="") == {"sort": "name"}
