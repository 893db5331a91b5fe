"""Issue 11, finding 2 (and 7's /dev/null): a file a person names as an output never replaces the
database, its companions, the settings or the templates; an existing file is replaced only when the
person says so; a device or a FIFO is written in place, never renamed over."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
from pathlib import Path

import pytest

from relance_tui import cli
from tests.conftest import TODAY

EXPORT_STARTS = ("Code client".encode(), "Débiteur".encode(), b"BEGIN:VCALENDAR", b"# Promesses")
TOML = "[office]\nname = \"Cabinet Test\"\n"
TEMPLATE = "Bonjour {{ debtor.name }}\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def office(demo_store, isolated_env):
    """The demo database in an office folder with its relance.toml, a templates folder, the user's config."""
    demo_store.close()
    db = demo_store.path
    (db.parent / "relance.toml").write_text(TOML, encoding="utf-8")
    template = db.parent / "templates" / "call" / "prepare.txt.j2"
    template.parent.mkdir(parents=True)
    template.write_text(TEMPLATE, encoding="utf-8")
    user = Path(os.environ["RELANCE_CONFIG"])
    user.write_text("[user]\ntheme = \"relance-clair\"\n", encoding="utf-8")
    return db


def protected_files(db: Path) -> dict[str, Path]:
    return {"db": db, "toml": db.parent / "relance.toml", "user": Path(os.environ["RELANCE_CONFIG"]),
            "template": db.parent / "templates" / "call" / "prepare.txt.j2"}


def fingerprints(db: Path) -> dict[str, str]:
    return {name: digest(path) for name, path in protected_files(db).items()}


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def targets(db: Path, tmp_path: Path) -> dict[str, str]:
    """Ways of naming a protected file: directly, by companion, through a symlink, a '..', a hard link."""
    (tmp_path / "link.csv").symlink_to(db)
    os.link(db.parent / "relance.toml", tmp_path / "hard.csv")
    os.link(db.parent / "templates" / "call" / "prepare.txt.j2", tmp_path / "hard-template.csv")
    return {
        "db": str(db), "wal": f"{db}-wal", "shm": f"{db}-shm", "journal": f"{db}-journal",
        "lease": f"{db}.lease", "lease-lock": f"{db}.lease-lock",
        "dotdot": str(db.parent / "templates" / ".." / db.name), "symlink": str(tmp_path / "link.csv"),
        "office-settings": str(db.parent / "relance.toml"), "user-settings": os.environ["RELANCE_CONFIG"],
        "hard-link-settings": str(tmp_path / "hard.csv"),
        "template": str(db.parent / "templates" / "call" / "prepare.txt.j2"),
        "new-file-in-templates": str(db.parent / "templates" / "call" / "nouveau.txt.j2"),
        "templates-folder": str(db.parent / "templates"),
        "hard-link-template": str(tmp_path / "hard-template.csv"),
    }


TARGET_NAMES = ["db", "wal", "shm", "journal", "lease", "lease-lock", "dotdot", "symlink", "office-settings", "user-settings",
                "hard-link-settings", "template", "new-file-in-templates", "templates-folder", "hard-link-template"]


@pytest.mark.parametrize("name", TARGET_NAMES)
@pytest.mark.parametrize("command", [
    ("export", "invoices", "--as-of", "2026-11-23"),
    ("export", "promises", "--date", "2026-11-23", "--format", "ics"),
    ("export", "promises", "--date", "2026-11-23", "--format", "md"),
])
def test_cli_export_onto_a_protected_file_is_refused_and_it_stays_intact(office, tmp_path, capsys, name, command):
    before = fingerprints(office)
    target = targets(office, tmp_path)[name]
    code, _, err = run(capsys, "--db", str(office), *command, "-o", target)
    assert code == 1, err
    assert "relance n'écrit jamais dessus" in err or "est un dossier" in err
    assert fingerprints(office) == before
    if Path(target).is_file():  # a companion SQLite keeps is still SQLite's, not an export
        assert not Path(target).read_bytes().startswith(EXPORT_STARTS)
    code, out, _ = run(capsys, "--db", str(office), "export", "invoices", "--as-of", "2026-11-23")
    assert code == 0 and out.startswith("Code client")  # the database still reads


@pytest.mark.parametrize("name", ["db", "wal", "office-settings", "symlink", "template"])
def test_cli_backup_rejects_and_mapping_onto_a_protected_file_are_refused(office, tmp_path, capsys, name):
    before = fingerprints(office)
    target = targets(office, tmp_path)[name]
    code, _, err = run(capsys, "--db", str(office), "backup", target, "--force")
    assert code == 1 and "relance n'écrit jamais dessus" in err
    csv_file = tmp_path / "f.csv"
    csv_file.write_text("N° facture;Client;Date facture;Montant TTC\nFA-1;X;31/02/2026;1,00\n", encoding="utf-8")
    for option in ("--rejects", "--save-mapping"):
        code, _, err = run(capsys, "--db", str(office), "import", str(csv_file), "--skip-invalid", option, target)
        assert code == 1 and "relance n'écrit jamais dessus" in err, (option, err)
    assert fingerprints(office) == before  # refused before the database was even opened


def test_cli_backup_into_a_missing_folder_is_a_clear_refusal(office, tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(office), "backup", str(tmp_path / "absent" / "copie.db"))
    assert code == 1
    assert "le dossier" in err and "n'existe pas" in err and "inattendue" not in err


@pytest.mark.parametrize("command", [
    ("export", "invoices", "--as-of", "2026-11-23"),
    ("export", "promises", "--date", "2026-11-23"),
])
def test_cli_export_replaces_an_existing_file_only_with_force(office, tmp_path, capsys, command):
    out = tmp_path / "rapport.csv"
    out.write_text("le rapport d'hier\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(office), *command, "-o", str(out))
    assert code == 1 and "existe déjà" in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "le rapport d'hier\n"
    code, _, err = run(capsys, "--db", str(office), *command, "-o", str(out), "--force")
    assert code == 0, err
    assert out.read_bytes().startswith(EXPORT_STARTS)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []  # no leftover


def test_cli_rejects_file_named_by_the_person_is_replaced_only_with_force(office, tmp_path, capsys):
    csv_file = tmp_path / "f.csv"
    csv_file.write_text("N° facture;Client;Date facture;Montant TTC\nFA-1;X;31/02/2026;1,00\n"
                        "FA-2;Y;15/01/2026;2,00\n", encoding="utf-8")
    rejects = tmp_path / "rejets.csv"
    rejects.write_text("à garder\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(office), "import", str(csv_file), "--skip-invalid", "--rejects", str(rejects))
    assert code == 1 and "existe déjà" in err
    assert rejects.read_text(encoding="utf-8") == "à garder\n"


class FifoReader:
    """A reader on a FIFO that is there before the writer (so opening it never blocks) and that sees
    end-of-file only once the test lets go of its own write end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.set_blocking(self.read_fd, True)
        self.hold_fd = os.open(path, os.O_WRONLY)
        self.data = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := os.read(self.read_fd, 65536):
            self.data += chunk

    def finish(self) -> bytes:
        os.close(self.hold_fd)
        self.thread.join(timeout=30)
        os.close(self.read_fd)
        return self.data


def test_a_fifo_is_written_in_place_without_force(office, tmp_path, capsys):
    for n, command in enumerate((("export", "invoices", "--as-of", "2026-11-23"),
                                 ("export", "promises", "--date", "2026-11-23", "--format", "csv"),
                                 ("export", "promises", "--date", "2026-11-23", "--format", "ics"))):
        fifo = tmp_path / f"tube{n}"
        os.mkfifo(fifo)
        reader = FifoReader(fifo)
        code, _, err = run(capsys, "--db", str(office), *command, "-o", str(fifo))
        data = reader.finish()
        assert code == 0, err
        assert stat.S_ISFIFO(os.stat(fifo).st_mode), command  # still the FIFO, not a file renamed over it
        assert data.startswith(EXPORT_STARTS), command
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("tube", ".tube"))) == \
        ["tube0", "tube1", "tube2"]


def test_a_character_device_is_written_in_place_never_replaced(office, tmp_path, capsys):
    # a null device of our own in a temporary folder: never the machine's /dev/null
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here ({exc})")
    for command in (("export", "invoices"), ("export", "promises", "--format", "ics"),
                    ("export", "promises", "--format", "md")):
        code, _, err = run(capsys, "--db", str(office), *command, "-o", str(device))
        assert code == 0, err
        assert stat.S_ISCHR(os.stat(device).st_mode), command
    code, _, err = run(capsys, "--db", str(office), "backup", str(device), "--force")
    assert code == 1 and "pas un fichier ordinaire" in err
    assert stat.S_ISCHR(os.stat(device).st_mode)


# -- the app: F4, x (and the Session tab's x, the same dialog) -------------------------------------
def make_app(store_path: Path):
    from relance_tui.config import load_settings, resolve_paths
    from relance_tui.store import open_store
    from relance_tui.tui.app import RelanceApp

    store = open_store(store_path, agent="marie")
    return RelanceApp(store, load_settings(resolve_paths(store_path)), today=lambda: TODAY, live=False), store


async def settle(pilot) -> None:
    import contextlib

    from textual.worker import WorkerCancelled

    for _ in range(3):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app) -> str:  # noqa: ANN001
    from textual.widgets import Static

    return " ".join(str(w.render()) for w in app.screen.query(Static))


@pytest.mark.parametrize("name", ["db", "wal", "office-settings", "user-settings", "symlink", "template",
                                  "new-file-in-templates"])
async def test_app_export_dialog_refuses_a_protected_file(office, tmp_path, name):
    from textual.widgets import Input

    from relance_tui.tui.promises import ExportScreen

    before = fingerprints(office)
    target = targets(office, tmp_path)[name]
    app, store = make_app(office)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one(Input).value = target
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)  # still open, saying why
        assert "Non exporté" in screen_text(app)
    store.close()
    assert fingerprints(office) == before


async def test_app_export_dialog_asks_before_replacing_a_file(office, tmp_path):
    from textual.widgets import Input

    from relance_tui.tui.dialogs import ConfirmScreen
    from relance_tui.tui.promises import ExportScreen

    out = tmp_path / "promesses.csv"
    out.write_text("le fichier d'hier\n", encoding="utf-8")
    app, store = make_app(office)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert out.read_text(encoding="utf-8") == "le fichier d'hier\n"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("o")
        await settle(pilot)
        assert not isinstance(app.screen, (ExportScreen, ConfirmScreen))
    store.close()
    assert out.read_text(encoding="utf-8").startswith("Débiteur")


async def test_app_export_dialog_writes_a_fifo_in_place(office, tmp_path):
    from textual.widgets import Input

    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    app, store = make_app(office)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one(Input).value = str(fifo)
        await pilot.press("enter")
        await settle(pilot)
    store.close()
    data = reader.finish()
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert data.startswith("Débiteur".encode())


# -- review of the protection: swaps while writing, links at the target, names printed clean ---------
class SwapsTheTemporaryFile:
    """An agent sharing the folder (2770, no sticky bit) who replaces relance's temporary file by a link
    to another file: at the first os.close or os.fsync relance makes once the temporary file exists."""

    def __init__(self, folder: Path, victim: Path) -> None:
        self.folder, self.victim, self.swapped = folder, victim, 0

    def __getattr__(self, name):  # noqa: ANN001, ANN204 - everything else is the os module
        return getattr(os, name)

    def _swap(self) -> None:
        for tmp in self.folder.glob(".*.tmp"):
            if not tmp.is_symlink():
                tmp.unlink()
                tmp.symlink_to(self.victim)
                self.swapped += 1

    def close(self, fd: int) -> None:
        os.close(fd)
        self._swap()

    def fsync(self, fd: int) -> None:
        os.fsync(fd)
        self._swap()


@pytest.mark.parametrize("command", [
    ("export", "invoices", "--as-of", "2026-11-23", "-o"),
    ("export", "promises", "--date", "2026-11-23", "--format", "ics", "-o"),
    ("backup",),
])
def test_a_temporary_file_swapped_for_a_link_is_never_written_through(office, tmp_path, capsys, monkeypatch,
                                                                      command):
    from relance_tui.io import outputs

    folder = tmp_path / "partage"
    folder.mkdir()
    victim = tmp_path / "home" / "notes.db"  # empty: SQLite would happily write a backup into it too
    victim.write_bytes(b"")
    swapper = SwapsTheTemporaryFile(folder, victim)
    monkeypatch.setattr(outputs, "os", swapper)
    code, _, err = run(capsys, "--db", str(office), *command, str(folder / "sortie.dat"))
    assert swapper.swapped  # the attack did happen
    assert victim.read_bytes() == b""  # nothing written through the link
    assert not victim.is_symlink() and not (folder / "sortie.dat").is_symlink()
    assert code == 1 and "remplacé pendant l'écriture" in err, err
    assert not (folder / "sortie.dat").exists()
    assert [p for p in folder.iterdir() if not p.is_symlink()] == []  # no leftover of ours


def run_in_thread(*argv) -> tuple[threading.Thread, dict]:
    result: dict = {}

    def go() -> None:
        result["code"] = cli.main(list(argv))

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return thread, result


def test_a_fifo_nobody_reads_is_refused_instead_of_waiting_forever(office, tmp_path, capsys):
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    thread, result = run_in_thread("--db", str(office), "export", "invoices", "-o", str(fifo))
    thread.join(timeout=60)  # a guard against hanging the test suite, not a measure of time
    if thread.is_alive():  # today's behaviour: blocked in open(); a reader lets it go
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        thread.join(timeout=60)
        os.close(reader)
        pytest.fail("relance waited for a reader on the FIFO instead of saying nobody reads it")
    _, err = capsys.readouterr()
    assert result["code"] == 1
    assert "aucun lecteur sur ce tube" in err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("swap", ["symlink", "hard-link"])
def test_a_fifo_swapped_for_a_file_after_the_check_is_not_written(office, tmp_path, capsys, monkeypatch, swap):
    from relance_tui.io import outputs

    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    victim = tmp_path / "home" / ".bashrc"
    victim.write_text("# le .bashrc de quelqu'un\n", encoding="utf-8")
    real_check = outputs.check_output_target
    calls = []

    def check_then_swap(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        target = real_check(*args, **kwargs)
        if not calls and target.kind == "special":
            fifo.unlink()
            if swap == "symlink":
                fifo.symlink_to(victim)
            else:
                os.link(victim, fifo)
        calls.append(target)
        return target

    monkeypatch.setattr(outputs, "check_output_target", check_then_swap)
    code, _, err = run(capsys, "--db", str(office), "export", "invoices", "-o", str(fifo))
    assert calls and calls[0].kind == "special"
    assert victim.read_text(encoding="utf-8") == "# le .bashrc de quelqu'un\n"
    assert code == 1 and "rien n'a été écrit" in err, err


@pytest.mark.parametrize("command", [
    ("export", "invoices", "--as-of", "2026-11-23"),
    ("export", "promises", "--date", "2026-11-23"),
    ("export", "promises", "--date", "2026-11-23", "--format", "ics"),
])
@pytest.mark.parametrize("force", [False, True])
def test_a_dangling_link_at_the_target_is_refused(office, tmp_path, capsys, command, force):
    victim = tmp_path / "home" / ".bashrc"  # does not exist: the export would create it
    planted = tmp_path / "promesses.csv"
    planted.symlink_to(victim)
    code, _, err = run(capsys, "--db", str(office), *command, "-o", str(planted), *(["--force"] if force else []))
    assert code == 1 and "lien symbolique" in err and "n'existe pas" in err, err
    assert not os.path.lexists(victim)
    assert planted.is_symlink()


def test_cli_backup_and_rejects_refuse_a_dangling_link(office, tmp_path, capsys):
    victim = tmp_path / "home" / ".profile"
    planted = tmp_path / "copie.db"
    planted.symlink_to(victim)
    code, _, err = run(capsys, "--db", str(office), "backup", str(planted), "--force")
    assert code == 1 and "n'existe pas" in err, err
    csv_file = tmp_path / "f.csv"
    csv_file.write_text("N° facture;Client;Date facture;Montant TTC\nFA-1;X;31/02/2026;1,00\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(office), "import", str(csv_file), "--skip-invalid", "--rejects",
                       str(planted), "--force")
    assert code == 1 and "n'existe pas" in err, err
    assert not os.path.lexists(victim)


@pytest.mark.parametrize("command", [
    ("export", "invoices", "--as-of", "2026-11-23"),
    ("export", "promises", "--date", "2026-11-23", "--format", "md"),
])
def test_a_link_to_an_existing_file_needs_force_and_names_the_real_file(office, tmp_path, capsys, command):
    real = tmp_path / "home" / "rapport-de-marie.csv"
    real.write_text("le rapport de Marie\n", encoding="utf-8")
    link = tmp_path / "rapport.csv"
    link.symlink_to(real)
    code, _, err = run(capsys, "--db", str(office), *command, "-o", str(link))
    assert code == 1 and str(real) in err and "--force" in err, err
    assert real.read_text(encoding="utf-8") == "le rapport de Marie\n"
    code, _, err = run(capsys, "--db", str(office), *command, "-o", str(link), "--force")
    assert code == 0, err
    assert link.is_symlink() and real.read_bytes().startswith(EXPORT_STARTS)


async def test_app_export_dialog_names_a_links_real_file_and_refuses_a_dangling_one(office, tmp_path):
    from textual.widgets import Input

    from relance_tui.tui.dialogs import ConfirmScreen
    from relance_tui.tui.promises import ExportScreen

    real = tmp_path / "home" / "autre.csv"
    real.write_text("à garder\n", encoding="utf-8")
    link = tmp_path / "promesses.csv"
    link.symlink_to(real)
    dangling = tmp_path / "promesses2.csv"
    dangling.symlink_to(tmp_path / "home" / ".bashrc")
    app, store = make_app(office)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one(Input).value = str(link)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert str(real) in screen_text(app)  # the question says which file would really be replaced
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one(Input).value = str(dangling)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "Non exporté" in screen_text(app) and "n'existe pas" in screen_text(app)
    store.close()
    assert real.read_text(encoding="utf-8") == "à garder\n"
    assert not os.path.lexists(tmp_path / "home" / ".bashrc")


INVALID_CSV = "N° facture;Client;Date facture;Montant TTC\nFA-1;X;31/02/2026;1,00\nFA-2;Y;15/01/2026;2,00\n"


def test_cli_prints_the_rejects_file_name_clean(office, tmp_path, capsys):
    folder = tmp_path / "dossier\x1b]0;titre\x07"
    folder.mkdir()
    csv_file = folder / "f\x1b[2J.csv"
    csv_file.write_text(INVALID_CSV, encoding="utf-8")
    code, out, err = run(capsys, "--db", str(office), "import", str(csv_file), "--skip-invalid")
    assert code == 0, err
    assert "rejetée vers" in out
    assert "\x1b" not in out and "\x07" not in out and "\x1b" not in err


def test_cli_prints_the_agent_of_a_previous_import_clean(office, tmp_path, capsys):
    import json
    import sqlite3

    csv_file = tmp_path / "f.csv"
    csv_file.write_text(INVALID_CSV, encoding="utf-8")
    # the agent of a previous import of the same file, read back from the shared database
    sha = hashlib.sha256(csv_file.read_bytes()).hexdigest()
    with sqlite3.connect(office) as conn:
        conn.execute("INSERT INTO events (at, kind, agent, data) VALUES ('2026-11-01T10:00:00Z', 'import', ?, ?)",
                     ["pirate\x1b[2J", json.dumps({"sha256": sha})])
    conn.close()
    code, out, err = run(capsys, "--db", str(office), "import", str(csv_file), "--skip-invalid", "--dry-run")
    assert "déjà été importé" in out, (out, err)
    assert "\x1b" not in out and "\x1b" not in err


def test_cli_prints_an_error_naming_a_typed_file_clean(office, tmp_path, capsys):
    code, out, err = run(capsys, "--db", str(office), "export", "invoices", "-o",
                         str(tmp_path / "absent\x1b[31m" / "x.csv"))
    assert code == 1 and "n'existe pas" in err
    assert "\x1b" not in err


def test_default_rejects_file_never_replaces_an_existing_one(office, tmp_path, capsys):
    csv_file = tmp_path / "f.csv"
    csv_file.write_text(INVALID_CSV, encoding="utf-8")
    taken = tmp_path / "f.rejets.csv"
    taken.write_text("les rejets d'hier, corrigés à la main\n", encoding="utf-8")
    link = tmp_path / "f.rejets-2.csv"
    link.symlink_to(tmp_path / "home" / ".bashrc")  # taken too, even dangling
    code, out, err = run(capsys, "--db", str(office), "import", str(csv_file), "--skip-invalid", "--dry-run")
    assert code == 0, err
    assert taken.read_text(encoding="utf-8") == "les rejets d'hier, corrigés à la main\n"
    assert not os.path.lexists(tmp_path / "home" / ".bashrc")
    fresh = tmp_path / "f.rejets-3.csv"
    assert str(fresh) in out
    assert "31/02/2026" in fresh.read_text(encoding="utf-8-sig")


async def test_app_import_never_writes_rejects_into_the_templates(office, tmp_path):
    from textual.widgets import Checkbox, Log

    from relance_tui.tui.import_screen import ImportScreen

    call = office.parent / "templates" / "call"
    csv_file = call / "f.csv"  # a file opened from the templates folder: its rejects would land there
    csv_file.write_text(INVALID_CSV, encoding="utf-8")
    before = sorted(p.name for p in call.iterdir())
    app, store = make_app(office)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        app.screen.query_one("#import-skip", Checkbox).value = True
        field = app.screen.query_one("#import-path")
        field.value = str(csv_file)
        field.action_end()
        await pilot.press("enter")
        await settle(pilot)
        log = "\n".join(app.screen.query_one("#import-log", Log).lines)
        assert "relance n'écrit jamais dessus" in log, log
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)  # the dialog closes: the import is over
    store.close()
    assert sorted(p.name for p in call.iterdir()) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_or_quota_says_so_and_that_nothing_was_replaced(code):
    from relance_tui.errors import DiskFull
    from relance_tui.io.outputs import write_error

    error = write_error("/srv/relance/promesses.csv", OSError(code, os.strerror(code)))
    assert isinstance(error, DiskFull)
    assert str(error) == ("disque plein : impossible d'écrire /srv/relance/promesses.csv ; rien n'a été remplacé. "
                          "Libérez de la place, puis recommencez.")


def test_another_write_failure_names_the_file_and_the_system_s_reason():
    from relance_tui.errors import DiskFull, RelanceError
    from relance_tui.io.outputs import write_error

    error = write_error("promesses.csv", OSError(errno.EACCES, "Permission denied"))
    assert type(error) is RelanceError and not isinstance(error, DiskFull)
    assert str(error) == "impossible d'écrire promesses.csv (Permission denied)"
    no_reason = write_error("p.csv", OSError("le partage a disparu"))
    assert str(no_reason) == "impossible d'écrire p.csv (le partage a disparu)"
