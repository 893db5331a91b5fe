"""Errors a person can act on. Each carries the exit code the CLI returns.

Messages are in French (the users are); they say what is wrong and where.
"""

from __future__ import annotations


class RelanceError(Exception):
    """An expected failure with a message for the agent; never a traceback."""

    exit_code = 1


class DatabaseMissing(RelanceError):
    exit_code = 3


class DatabaseUnreadable(RelanceError):
    exit_code = 3


class NotARelanceDatabase(RelanceError):
    exit_code = 4


class SchemaTooNew(RelanceError):
    exit_code = 5


class DatabaseBusy(RelanceError):
    """The database stayed locked longer than the retry bound."""

    exit_code = 6


class ReadOnlyDatabase(RelanceError):
    exit_code = 7


class StaleEdit(RelanceError):
    """Someone else changed the row since it was read: the edit is refused."""

    exit_code = 8


class ConfigError(RelanceError):
    exit_code = 9


class NotFound(RelanceError):
    exit_code = 10


class MailError(RelanceError):
    """The email could not be sent (SMTP refused or unreachable) or written to the outbox."""

    exit_code = 12


class DiskFull(RelanceError):
    """The disk (or the quota) is full: nothing was written; free some space and try again."""

    exit_code = 13


class SchemaOutdated(RelanceError):
    """A command that only reads met a database that needs a migration (only writers migrate)."""

    exit_code = 5


class WriteOutcomeUnknown(RelanceError):
    """A write's COMMIT failed (an I/O error on a share) and whether it landed could not be checked."""

    exit_code = 14


class SharedReadFailed(DatabaseBusy):
    """Reading through a network share kept failing while another machine wrote (store/database.py)."""
