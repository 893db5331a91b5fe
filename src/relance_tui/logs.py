"""Unexpected errors go, with their traceback, to a log file; never to a screen."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

log = logging.getLogger("relance")
_configured: Path | None = None


def setup_logging(log_file: Path) -> Path | None:
    """Log to ``log_file`` (rotated). Returns the file, or None if it cannot be written."""
    global _configured
    if _configured == log_file:
        return log_file
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        return None
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
