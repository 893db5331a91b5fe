"""The log file: opened at its first record, and never named to an agent when it could not be written."""

from __future__ import annotations

import pytest

import relance_tui.logs as logs


@pytest.fixture(autouse=True)
def own_logger():
    """Each test sets the logger up its own way; the process's set-up comes back afterwards."""
    saved, configured = list(logs.log.handlers), logs._configured
    for handler in saved:
        logs.log.removeHandler(handler)
    logs._configured = None
    yield
    for handler in list(logs.log.handlers):
        handler.close()
        logs.log.removeHandler(handler)
    for handler in saved:
        logs.log.addHandler(handler)
    logs._configured = configured


def test_the_file_is_opened_at_the_first_record_and_named_when_it_has_it(tmp_path):
    path = tmp_path / "log" / "relance.log"
    assert logs.setup_logging(path) == path
    assert not path.exists()  # nothing logged yet: no file
    assert logs.log_unexpected(ValueError("boom"), "test") == path
    assert "ValueError: boom" in path.read_text(encoding="utf-8")


def test_a_log_folder_that_cannot_be_made_gives_no_log_and_no_error(tmp_path):
    (tmp_path / "log").write_text("a file where the folder should be")
    assert logs.setup_logging(tmp_path / "log" / "relance.log") is None
    assert logs.log_unexpected(ValueError("boom"), "test") is None


def test_a_file_that_cannot_be_opened_any_more_is_not_named_then_used_again_once_it_can(tmp_path):
    folder = tmp_path / "log"
    path = folder / "relance.log"
    assert logs.setup_logging(path) == path
    folder.rmdir()
    folder.write_text("the folder replaced by a file")
    assert logs.log_unexpected(ValueError("lost"), "test") is None  # the agent is not sent to a missing file
    folder.unlink()
    folder.mkdir()
    assert logs.log_unexpected(ValueError("kept"), "test") == path
    assert "kept" in path.read_text(encoding="utf-8")
