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
        self._unusable = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            if self._unusable:
                return
            import logging.handlers

            try:
                self._file = logging.handlers.RotatingFileHandler(self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                                  encoding="utf-8")
            except OSError:
                self._unusable = True  # the folder was writable when the process started; the log is best effort
                return
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
    except OSError:
        return None
    if not os.access(log_file if log_file.exists() else log_file.parent, os.W_OK):
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
    log.error("%s: %s", context, exc, exc_info=(type(exc), exc, exc.__traceback__))
    return _configured
