from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relance_tui.store import Store, open_store

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's files."""
    home = tmp_path / "home"
    home.mkdir()
    for name in list(__import__("os").environ):
        if name.startswith("RELANCE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RELANCE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("RELANCE_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("RELANCE_LOG_DIR", str(home / "log"))
    monkeypatch.setenv("RELANCE_AGENT", "marie")
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "office" / "relance.db"


@pytest.fixture
def store(db_path: Path) -> Store:
    s = open_store(db_path, agent="marie", create=True)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database built once; tests copy it."""
    from relance_tui.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    s = open_store(path, agent="marie", create=True)
    build_demo(s, size="small", seed=7, today=TODAY)
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path


@pytest.fixture
def demo_store(demo_db_template: Path, tmp_path: Path) -> Store:
    import shutil

    path = tmp_path / "demo" / "demo.db"
    path.parent.mkdir()
    shutil.copy(demo_db_template, path)
    s = open_store(path, agent="marie")
    yield s
    s.close()
