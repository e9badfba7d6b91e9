"""The error tree: what is the user's fault and what is a bug.

    Exception
     +-- CollectorError            base of everything we raise on purpose
          +-- UserError            the user can fix it: printed as one line, exit code 1
          |    +-- ImportFileError a plan or people file we cannot read or make sense of
          |    +-- NotFound        a plan, person or round that does not exist
          |    +-- DatabaseNotReady the schema is missing or behind: run `collector db upgrade`
          +-- (anything else)      a bug: logged with its traceback

The CLI catches UserError at its edge and prints `error: <message>`; everything else propagates so the
traceback reaches the logs (Zulip draws the same line between a user's mistake and ours).
"""

from __future__ import annotations


class CollectorError(Exception):
    """Base class of the errors this project raises deliberately."""


class UserError(CollectorError):
    """Something the person running the command can fix; its message says what and how."""


class ImportFileError(UserError):
    """A plan or people file that cannot be imported. The message names the file (and row when useful)."""

    def __init__(self, path: str, problem: str, *, row: int | None = None, hint: str | None = None):
        where = f"{path}, row {row}" if row is not None else path
        message = f"{where}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)
        self.path = path
        self.row = row
        self.problem = problem
        self.hint = hint


class NotFound(UserError):
    """A named thing does not exist."""


class DatabaseNotReady(UserError):
    """The database schema is missing or older than this code."""
