"""plans.toml, the office's own dunning plans (io/plans.py): read, merged with the built-in ones, refused with
the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from relance_tui.errors import ConfigError
from relance_tui.io.plans import load_plans

GOOD = """
[plans.doux]
label = "Clients fidèles"

[[plans.doux.steps]]
key = "reminder"
label = "Relance amicale"
channel = "email"
template = "reminder"
offset = 10
approval = false

[[plans.doux.steps]]
key = "call"
label = "Appel"
channel = "phone"
offset = 7
anchor = "previous"
"""


def office(tmp_path: Path, text: str | None) -> Path:
    settings = tmp_path / "relance.toml"
    settings.write_text("")
    if text is not None:
        (tmp_path / "plans.toml").write_text(text, encoding="utf-8")
    return settings


def test_without_a_file_the_built_in_plans(tmp_path: Path) -> None:
    assert sorted(load_plans(office(tmp_path, None)).plans) == ["be_b2b", "be_b2c", "fr_b2b", "fr_b2c"]


def test_an_office_plan_is_added_with_its_steps(tmp_path: Path) -> None:
    plans = load_plans(office(tmp_path, GOOD)).plans
    doux = plans["doux"]
    assert doux.label == "Clients fidèles" and not doux.builtin
    assert [(s.key, s.channel, s.offset, s.anchor, s.approval) for s in doux.steps] == [
        ("reminder", "email", 10, "due", False), ("call", "phone", 7, "previous", True)]
    assert plans["fr_b2b"].builtin


def test_an_email_step_may_attach_a_document(tmp_path: Path) -> None:
    plans = load_plans(office(tmp_path, GOOD.replace('approval = false', 'approval = false\nattach = "statement"'))).plans
    assert plans["doux"].steps[0].attach == "statement" and plans["doux"].steps[1].attach == ""


def test_a_plan_named_like_a_built_in_one_replaces_it(tmp_path: Path) -> None:
    plans = load_plans(office(tmp_path, GOOD.replace("plans.doux", "plans.fr_b2b"))).plans
    assert not plans["fr_b2b"].builtin and len(plans["fr_b2b"].steps) == 2


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace('channel = "phone"', 'channel = "pigeon"'),
     r"plans.toml, ligne 13, \[\[plans.doux.steps\]\] n° 2 .*champ channel : 'pigeon' inconnu"),
    (GOOD.replace("offset = 10", 'offset = "dix"'),
     r"ligne 5, \[\[plans.doux.steps\]\] n° 1, champ offset : attendu un nombre entier, pas 'dix'"),
    (GOOD.replace('key = "call"\n', ""), r"n° 2 : champ key manquant"),
    (GOOD.replace('template = "reminder"', 'template = "../../relance.toml"'),
     r"champ template : '../../relance.toml' invalide \(un nom, pas un chemin\)"),
    (GOOD + '\n[[plans.doux.steps]]\nkey = "court"\nlabel = "Tribunal"\nchannel = "court"\noffset = 30\n',
     r"ligne 20, \[\[plans.doux.steps\]\] n° 3 : plan doux, étape 3 \(court\) : un dossier contentieux suppose"),
    ("[plans.doux\n", r"TOML invalide"),
    ("[autre]\nx = 1\n", r"ligne 1 : section \[autre\] inconnue"),
    (GOOD.replace('label = "Clients fidèles"', 'label = "x"\ncouleur = "rouge"'), r"champ couleur : inconnu"),
    (GOOD.replace('approval = false', 'approval = false\nattach = "../x"'),
     r"champ attach : '../x' invalide \(un nom de document, pas un chemin\)"),
    (GOOD.replace('anchor = "previous"', 'anchor = "previous"\nattach = "statement"'),
     r"étape 2 \(call\), champ attach : seul un email joint un document"),
])
def test_a_wrong_plan_is_refused_saying_where(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_plans(office(tmp_path, text))


def test_a_profile_gets_its_plan_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    book = load_plans(office(tmp_path, GOOD + '\n[profiles]\ngood = "doux"\n'))
    assert book.for_debtor("fr_b2b", None, "good").key == "doux"
    with pytest.raises(ConfigError, match=r"\[profiles\], champ bad : plan 'ferme' inconnu"):
        load_plans(office(tmp_path, GOOD + '\n[profiles]\nbad = "ferme"\n'))
    with pytest.raises(ConfigError, match=r"\[profiles\], champ excellent : attendu good, normal, bad"):
        load_plans(office(tmp_path, GOOD + '\n[profiles]\nexcellent = "doux"\n'))
