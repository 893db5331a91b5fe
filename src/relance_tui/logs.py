"""Unexpected errors go, with their traceback, to a log file; never to a screen."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("relance")
_configured: Path | None = None
MAX_BYTES, BACKUPS = 2_000_000, 3


class _FirstRecordHandler(logging.Handler):
    """A rotating log file opened at the first record: a command or a session that logs nothing never imports
    logging.handlers (with socket and pickle, 6 ms of every start) nor opens the file."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None
        self.unusable = False  # its last opening failed

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            import logging.handlers

            try:
                self._file = logging.handlers.RotatingFileHandler(self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                                  encoding="utf-8")
            except OSError:
                # writable when the process started, no longer: said by log_unexpected (no file to point to);
                # tried again at the next record (a full disk freed, a folder put back)
                self.unusable = True
                return
            self.unusable = False
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def setup_logging(log_file: Path) -> Path | None:
    """Log to ``log_file`` (rotated). Returns the file, or None if it cannot be written."""
    global _configured
    if _configured == log_file:
        return log_file
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(log_file if log_file.exists() else log_file.parent, os.W_OK):
            return None
    except OSError:  # a folder on the way closed to this account
        return None
    handler = _FirstRecordHandler(log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    for old in list(log.handlers):
        log.removeHandler(old)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    _configured = log_file
    return log_file


def log_unexpected(exc: BaseException, context: str) -> Path | None:
    """Log ``exc`` with its traceback; the file it went to, or None when it could not be written (then the
    agent is not sent to a file that does not have it)."""
    log.error("%s: %s", context, exc, exc_info=(type(exc), exc, exc.__traceback__))
    handler = next((h for h in log.handlers if isinstance(h, _FirstRecordHandler)), None)
    return None if handler is None or handler.unusable else _configured
