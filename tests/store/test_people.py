"""The people directory: matching names, importing the people file, linking plan leads, editing one person."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from collector.core.errors import ImportFileError, NotFound, UserError
from store.db import session_scope
from store.models.directory import Delegation, Person, Team, TeamMember
from store.models.plans import ActionLead
from store.models.records import AuditEvent
from store.people import find_person, list_people, normalise_name, set_person
from store.people_csv import import_people
from store.persist import save_plan
from tests.store.personas import PEOPLE_CSV, equality_plan

HEADER = "name,code,email,preferred_channel,manager,delegate\n"


@pytest.fixture
def people_file(tmp_path):
    """Write a people CSV (text or bytes) and return its path."""

    def write(content: str | bytes, name: str = "people.csv") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return write


def _person(session, name: str) -> Person:
    return session.scalars(select(Person).where(Person.name == name)).one()


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [
        ("Dr. Joanne  TILLEY,", "joanne tilley"),
        ("Cllr Sir John Smith", "john smith"),
        ("(Kathryn Webster)", "kathryn webster"),
        ("Siobhán O’Brien-Hughes", "siobhán o'brien-hughes"),
        ("Mx Sam Patel", "sam patel"),
        ("Rev", "rev"),
    ],
)
def test_names_are_compared_without_titles_case_or_stray_punctuation(printed, normalised):
    assert normalise_name(printed) == normalised


def test_a_person_is_found_by_email_then_name_then_code(session, clock):
    now = clock.now()
    joanne = Person(name="Joanne Tilley", code="JT", email="Joanne.Tilley@brightwater.gov.uk")
    joanne.created_at = joanne.updated_at = now
    james = Person(name="James Thomas", code="JTH", created_at=now, updated_at=now)
    session.add_all([joanne, james])
    session.flush()

    assert find_person(session, email="joanne.tilley@BRIGHTWATER.gov.uk", name="James Thomas") is joanne
    assert find_person(session, name="dr james thomas", code="JT") is james
    assert find_person(session, name="Someone Else", code="jt") is joanne
    assert find_person(session, code="JTH") is james
    assert find_person(session, name="Someone Else") is None


def test_it_imports_people_with_managers_delegates_and_teams(engine, clock, people_file):
    with session_scope(engine) as session:
        result = import_people(session, people_file(PEOPLE_CSV), clock)

    assert (result.added, result.updated, result.relinked_leads) == (3, 0, 0)
    with session_scope(engine) as session:
        joanne, kathryn, sam = (
            _person(session, n) for n in ("Joanne Tilley", "Kathryn Webster", "Sam Patel")
        )
        assert (joanne.code, joanne.email, joanne.slack_user_id) == (
            "JT",
            "joanne.tilley@brightwater.gov.uk",
            "U01JT",
        )
        assert joanne.preferred_channel == "slack" and sam.preferred_channel == "email"
        assert joanne.manager_id == kathryn.id and sam.manager_id == kathryn.id
        assert [d.name for d in joanne.delegates] == ["Sam Patel"]
        board = session.scalars(select(Team).where(Team.name == "Equality Board")).one()
        assert sorted(p.name for p in board.members) == ["Joanne Tilley", "Kathryn Webster"]
        assert [p.name for p in list_people(session)] == ["Joanne Tilley", "Kathryn Webster", "Sam Patel"]
        events = session.scalars(select(AuditEvent)).all()
        assert [(e.event, e.detail["added"]) for e in events] == [("people.imported", 3)]


def test_importing_the_same_file_twice_adds_nothing(engine, clock, people_file):
    path = people_file(PEOPLE_CSV)
    with session_scope(engine) as session:
        import_people(session, path, clock)
    with session_scope(engine) as session:
        again = import_people(session, path, clock)
        counts = [
            session.scalar(select(func.count()).select_from(m)) for m in (Person, Delegation, TeamMember)
        ]
    assert (again.added, again.updated) == (0, 0)
    assert counts == [3, 1, 2]


def test_people_a_plan_named_are_completed_rather_than_duplicated(session, clock, people_file):
    save_plan(session, equality_plan(), name=None, update=False, clock=clock)

    result = import_people(session, people_file(PEOPLE_CSV), clock)

    assert (result.added, result.updated) == (1, 2)  # Sam is new; Joanne and Kathryn were leads already
    assert session.scalar(select(func.count(Person.id))) == 3
    assert _person(session, "Kathryn Webster").code == "KW"


def test_it_reads_a_windows_1252_file(session, clock, people_file):
    content = "Name,Email\r\nZoë Brontë,zoe.bronte@brightwater.gov.uk\r\n".encode("cp1252")

    import_people(session, people_file(content), clock)

    assert _person(session, "Zoë Brontë").email == "zoe.bronte@brightwater.gov.uk"


BAD_FILES = {
    "missing name and code": (
        HEADER + "Joanne Tilley,JT,,,,\n,,nobody@brightwater.gov.uk,,,\n",
        3,
        "no name or code",
    ),
    "bad email": (HEADER + "Joanne Tilley,JT,joanne.tilley@,,,\n", 2, "is not an email address"),
    "line break in email": (
        HEADER + 'Joanne Tilley,JT,"joanne@brightwater.gov.uk\r\nBcc: all@brightwater.gov.uk",,,\n',
        2,
        "line break",
    ),
    "unknown channel": (HEADER + "Joanne Tilley,JT,,fax,,\n", 2, "unknown preferred channel 'fax'"),
    "unknown manager": (HEADER + "Joanne Tilley,JT,,,Kathryn Webster,\n", 2, "manager 'Kathryn Webster'"),
    "unknown delegate": (
        HEADER + "Kathryn Webster,KW,,,,\nJoanne Tilley,JT,,,KW,Sam Patel;KW\n",
        3,
        "delegate 'Sam Patel' is not in this file",
    ),
    "duplicate email": (
        HEADER + "Joanne Tilley,JT,jt@brightwater.gov.uk,,,\nJo Tilley,,JT@brightwater.gov.uk,,,\n",
        3,
        "same email as row 2 but another name: 'Joanne Tilley' on row 2, 'Jo Tilley' here",
    ),
    "one person with two emails": (
        HEADER
        + "Joanne Tilley,JT,jt@brightwater.gov.uk,,,\n"
        + "Dr Joanne Tilley,,joanne@brightwater.gov.uk,,,\n",
        3,
        "same name as row 2 but another email",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_row_is_named_and_nothing_is_written(engine, clock, people_file, case):
    content, row, problem = BAD_FILES[case]
    path = people_file(content)

    with pytest.raises(ImportFileError) as raised, session_scope(engine) as session:
        import_people(session, path, clock)

    assert raised.value.row == row
    assert problem in raised.value.problem
    assert str(raised.value).startswith(f"{path}, row {row}: ")
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(Person.id))) == 0
        assert session.scalar(select(func.count(AuditEvent.id))) == 0


def test_every_bad_row_is_reported_in_one_run_and_nothing_is_written(engine, clock, people_file):
    path = people_file(
        "name,code,email,slack_user_id,preferred_channel\n"
        "Joanne Tilley,JT,jt@brightwater.gov.uk,U01TILLEY,\n"
        "Kathryn Webster,KW,kathryn@,,\n"
        "Sam Patel,SP,sam.patel@brightwater.gov.uk,,fax\n"
        "Joanne Tilley,JT,jt@brightwater.gov.uk,U09OTHER,\n"
    )

    with pytest.raises(ImportFileError) as raised, session_scope(engine) as session:
        import_people(session, path, clock)

    lines = str(raised.value).splitlines()
    assert lines[0] == f"{path}: 3 rows need fixing, nothing was imported:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == ["row 3", "row 4", "row 5"]
    assert "slack user id: 'U01TILLEY' on row 2, 'U09OTHER' here" in lines[3]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(Person.id))) == 0


def test_a_row_repeated_exactly_is_read_once_with_a_warning(session, clock, people_file):
    row = "Joanne Tilley,JT,jt@brightwater.gov.uk,email,Kathryn Webster,Kathryn Webster\n"
    path = people_file(HEADER + "Kathryn Webster,KW,kw@brightwater.gov.uk,,,\n" + row + row)

    result = import_people(session, path, clock)

    assert result.added == 2 and result.warnings == ["row 4 repeats row 3 (Joanne Tilley): read once"]
    tilley = _person(session, "Joanne Tilley")
    assert tilley.email == "jt@brightwater.gov.uk" and tilley.manager.name == "Kathryn Webster"
    assert session.scalar(select(func.count(Delegation.person_id))) == 1


def test_the_command_prints_each_bad_row_and_each_warning(tmp_path, monkeypatch, people_file):
    from typer.testing import CliRunner

    from collector.cli.app import app

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    good = people_file(HEADER + "Sam Patel,SP,,,,\nSam Patel,SP,,,,\n", "good.csv")
    bad = people_file(HEADER + ",,nobody@brightwater.gov.uk,,,\nSam Patel,SP,,fax,,\n", "bad.csv")

    imported = runner.invoke(app, ["people", "import", str(good)])
    refused = runner.invoke(app, ["people", "import", str(bad)])

    assert imported.exit_code == 0 and "warning: row 3 repeats row 2 (Sam Patel)" in imported.output
    assert refused.exit_code == 1 and isinstance(refused.exception, UserError)
    assert str(refused.exception).splitlines()[1:] == [
        "  row 2: no name or code (every person needs at least one of them)",
        "  row 3: unknown preferred channel 'fax' (use email or slack, or leave it blank)",
    ]


def test_a_file_without_a_name_or_code_column_is_refused_at_its_header(session, clock, people_file):
    with pytest.raises(ImportFileError, match="row 1: no name or code column"):
        import_people(session, people_file("email,slack\nhr@brightwater.gov.uk,U01\n"), clock)


def test_leads_left_unlinked_are_linked_once_the_people_file_names_them(session, clock, people_file):
    save_plan(session, equality_plan(), name=None, update=False, clock=clock)
    for name in ("Joanne Tilley", "Kathryn Webster"):  # as if their placeholder people had been removed
        session.delete(_person(session, name))
    session.flush()
    session.expire_all()
    unlinked = select(func.count(ActionLead.id)).where(
        ActionLead.person_id.is_(None), ActionLead.team_id.is_(None)
    )
    assert session.scalar(unlinked) == 5

    result = import_people(
        session, people_file("Name,Email\nJoanne Tilley,jt@brightwater.gov.uk\nKathryn Webster,\n"), clock
    )

    assert result.relinked_leads == 5  # "JT" through the plan's key, "Kathryn Webster" by name
    assert session.scalar(unlinked) == 0


def test_one_person_can_be_changed_and_the_change_is_audited(session, clock, people_file):
    import_people(session, people_file(PEOPLE_CSV), clock)

    person = set_person(
        session,
        "jt",
        email="jo.tilley@brightwater.gov.uk",
        preferred_channel="email",
        delegate="",
        clock=clock,
    )

    assert (person.email, person.preferred_channel, person.delegates) == (
        "jo.tilley@brightwater.gov.uk",
        "email",
        [],
    )
    event = session.scalars(select(AuditEvent).where(AuditEvent.event == "person.updated")).one()
    assert event.entity_id == person.id and event.detail["email"] == "jo.tilley@brightwater.gov.uk"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-address"}, "'not-an-address' is not an email address"),
        ({"email": "SAM.PATEL@brightwater.gov.uk"}, "already belongs to Sam Patel"),
        ({"preferred_channel": "pigeon"}, "unknown channel 'pigeon'"),
        ({"manager": "Joanne Tilley"}, "cannot be their own manager"),
        ({"manager": "Nobody"}, "no person matches manager 'Nobody'"),
        ({"name": "", "code": ""}, "a person needs a name or a code"),
    ],
)
def test_a_change_that_cannot_be_used_is_refused_in_one_line(session, clock, people_file, changes, message):
    import_people(session, people_file(PEOPLE_CSV), clock)

    with pytest.raises(UserError, match=message) as raised:
        set_person(session, "Joanne Tilley", clock=clock, **changes)
    assert "\n" not in str(raised.value)


def test_changing_someone_who_does_not_exist_is_not_found(session, clock):
    with pytest.raises(NotFound, match="no person matches 'Nobody'"):
        set_person(session, "Nobody", email="nobody@brightwater.gov.uk", clock=clock)
