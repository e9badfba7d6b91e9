"""The engine, the session scope, and the schema's revision: everything that opens or shapes the database.

SQLite is tuned here once (docs/reliability.md F8): WAL, a busy timeout, foreign keys on, full sync, and every
transaction begins IMMEDIATE. A DEFERRED transaction that reads and then writes fails at once with
"database is locked" when another process committed in between; IMMEDIATE takes the write lock up front and
waits out the busy timeout instead. pysqlite's own BEGIN handling is switched off so ours is the only one
(the recipe in SQLAlchemy's SQLite dialect docs, "Enabling Non-Legacy SQLite Transactional Modes").

Transactions belong at process edges (style.md 13): `session_scope` is what a CLI command, an SMTP DATA, a
Slack request or a scheduler claim opens; domain functions take the session and never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import CursorResult, Engine, Executable, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from collector.core.errors import DatabaseNotReady

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=FULL",
)


def make_engine(url: str) -> Engine:
    """An engine for DATABASE_URL, tuned for its backend. `postgresql://` means psycopg 3."""
    sa_url = make_url(url)
    if sa_url.drivername in ("postgresql", "postgres"):
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    if sa_url.get_backend_name() == "sqlite":
        _make_parent_dir(sa_url)
        engine = create_engine(sa_url, pool_pre_ping=True)
        _take_over_sqlite_transactions(engine)
        return engine
    return create_engine(sa_url, pool_pre_ping=True)


def _make_parent_dir(url: URL) -> None:
    """A fresh checkout has no ./var/: create the database file's directory rather than fail on it."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _take_over_sqlite_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # None stops pysqlite emitting BEGIN itself (and committing before DDL); the pragmas then run
        # outside any transaction, which journal_mode requires.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A session that only reads (session_scope(read_only=True)) takes no write lock, so readers never
        # queue behind a writer under WAL; everything else takes it up front.
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@contextmanager
def session_scope(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """One unit of work: commit if the block finishes, roll back if it raises, always close.

    expire_on_commit=False so objects stay readable after the commit (the CLI prints what it just saved).
    read_only=True is for commands that only look: on SQLite its transaction is DEFERRED (no write lock),
    and a flush that tries to write anyway raises instead of committing.
    """
    bind = engine.execution_options(read_only=True) if read_only else engine
    session = Session(bind, expire_on_commit=False)
    if read_only:
        event.listen(session, "before_flush", _refuse_writes)
    try:
        yield session
        if read_only:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def changed_rows(session: Session, statement: Executable) -> int:
    """Run an UPDATE (or DELETE) and say how many rows it changed: the answer a compare-and-set reads."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read-only session tried to write: open it with session_scope(engine)")


def _alembic_config() -> Config:
    """Alembic configured in code, pointing into this package, so it works from an installed wheel."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` in one transaction (on SQLite too: BEGIN IMMEDIATE covers DDL)."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None when it has no schema of ours yet. Read without the SQLite write
    lock, so a command starting while the mail server is busy does not queue behind it."""
    with engine.execution_options(read_only=True).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The revision this code needs."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "store/migrations/versions has no revisions"
    return head


def ensure_current(engine: Engine, *, auto_upgrade: bool) -> None:
    """Refuse to run against a schema this code does not match, or upgrade it when told to.

    Raises DatabaseNotReady (a UserError: one line, exit 1) naming the database and the command to run.
    """
    where = describe_url(engine.url)
    try:
        current, head = current_revision(engine), head_revision()
    except OperationalError as exc:  # a wrong URL or a server that is down is the user's to fix
        problem = str(exc.orig).strip().splitlines()[0] if exc.orig else "cannot connect"
        raise DatabaseNotReady(f"cannot open the database at {where}: {problem}") from exc
    if current == head:
        return
    if current is not None and not _is_known(current):
        raise DatabaseNotReady(
            f"database at {where} is at revision {current}, which this code does not know: "
            "it was upgraded by a newer version of progress-collector"
        )
    if auto_upgrade:
        upgrade(engine)
        return
    if current is None:
        raise DatabaseNotReady(f"database at {where} has no schema yet: run `collector db upgrade`")
    raise DatabaseNotReady(
        f"database at {where} is at revision {current}, this code needs {head}: run `collector db upgrade`"
    )


def _is_known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_alembic_config()).get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


def describe_url(url: URL) -> str:
    """The URL with its password removed (not masked: nothing secret should reach a terminal or a log)."""
    return url._replace(password=None).render_as_string(hide_password=False)
