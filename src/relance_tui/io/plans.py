"""The office's own dunning plans: ``plans.toml`` in the office folder, beside ``relance.toml``.

    [plans.doux]                       # a new plan, chosen by hand for a debtor (relance plan set)
    label = "Clients fidèles"
    [[plans.doux.steps]]
    key = "reminder"                   # what the plan records when the step is done
    label = "Relance amicale"
    channel = "email"                  # email, phone, letter, registered, court
    template = "reminder"              # templates/email/reminder.txt.j2 (the office's copy first)
    offset = 10                        # days after the due date ...
    anchor = "due"                     # ... or after the previous step done: "previous"
    approval = false                   # the nightly job may send it (relance plan run --send)
    required = false                   # later steps wait for it when true
    costs = false                      # charges or announces costs (a Belgian consumer: not in the 14 days)
    act = ""                           # formal_notice or first_reminder: the legal act it is
    stops = ["dispute", "promise", "payment", "credit"]

    [profiles]                         # the plan of each payer profile (the debtor card's): good, normal, bad
    good = "doux"

A plan chosen by hand for a debtor wins, then its profile's, then its regime's. A plan named like a built-in one (fr_b2b, fr_b2c, be_b2b, be_b2c) replaces it for every debtor of that
regime. A plan that breaks a rule (a court file without a required formal notice before it...) is refused
with the file, the line and the field; the app and the commands then stop with that message rather than run
a plan the office did not write.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from relance_tui.domain.plan import (
    PROFILES,
    STOPS,
    Plan,
    PlanBook,
    PlanError,
    PlanStep,
    check_plan,
    merge_plans,
)
from relance_tui.domain.text import clean
from relance_tui.errors import ConfigError

PLANS_FILE = "plans.toml"
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_STEP_FIELDS = {"key": str, "label": str, "channel": str, "template": str, "offset": int, "anchor": str,
                "approval": bool, "required": bool, "costs": bool, "act": str, "stops": list, "attach": str}
_TYPE_WORDS = {str: "un texte", int: "un nombre entier", bool: "true ou false", list: "une liste de textes"}


def plans_path(office_file: Path) -> Path:
    return office_file.parent / PLANS_FILE


def load_plans(office_file: Path) -> PlanBook:
    """The built-in plans and the office's (``plans.toml`` beside ``office_file``); ConfigError names the
    file, the line and the field of what is wrong."""
    path = plans_path(office_file)
    if not path.is_file():
        return merge_plans([])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} : illisible ({exc})") from None
    plans, profiles = parse_plans(text, path)
    book = merge_plans(plans, profiles)
    for profile, key in profiles.items():
        if key not in book.plans:
            raise ConfigError(f"{path}, ligne {_line(text, '[profiles]')}, [profiles], champ {profile} : plan "
                              f"{key!r} inconnu (plans : {', '.join(sorted(book.plans))})")
    return book


def parse_plans(text: str, path: Path) -> tuple[list[Plan], dict[str, str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} : TOML invalide ({exc})") from None
    unknown = set(data) - {"plans", "profiles"}
    if unknown:
        raise ConfigError(f"{path}, ligne {_line(text, f'[{sorted(unknown)[0]}')} : section "
                          f"[{sorted(unknown)[0]}] inconnue (attendu : [plans.NOM], [profiles])")
    profiles = data.get("profiles") or {}
    for profile, key in profiles.items():
        if profile not in PROFILES or not isinstance(key, str):
            raise ConfigError(f"{path}, ligne {_line(text, '[profiles]')}, [profiles], champ {profile} : attendu "
                              f"{', '.join(PROFILES)} = \"nom d'un plan\"")
    plans = []
    for key, body in (data.get("plans") or {}).items():
        where = f"{path}, ligne {_line(text, f'[plans.{key}]')}, [plans.{key}]"
        if not _KEY.fullmatch(key):
            raise ConfigError(f"{where} : nom de plan {key!r} invalide (minuscules, chiffres, _ ; 40 au plus)")
        if not isinstance(body, dict):
            raise ConfigError(f"{where} : attendu une table")
        extra = set(body) - {"label", "steps"}
        if extra:
            raise ConfigError(f"{where}, champ {sorted(extra)[0]} : inconnu (attendu : label, steps)")
        steps = []
        for n, raw in enumerate(body.get("steps") or [], 1):
            line = _line(text, f"[[plans.{key}.steps]]", n)
            steps.append(_step(raw, f"{path}, ligne {line}, [[plans.{key}.steps]] n° {n}"))
        plan = Plan(key, clean(str(body.get("label") or key))[:80], tuple(steps), builtin=False)
        try:
            check_plan(plan)
        except PlanError as exc:
            if exc.step is not None:  # the step's own line
                n = exc.step + 1
                where = f"{path}, ligne {_line(text, f'[[plans.{key}.steps]]', n)}, [[plans.{key}.steps]] n° {n}"
            raise ConfigError(f"{where} : {exc}") from None
        plans.append(plan)
    return plans, dict(profiles)


def _step(raw: Any, where: str) -> PlanStep:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} : attendu une table")
    for name in raw:
        if name not in _STEP_FIELDS:
            raise ConfigError(f"{where}, champ {name} : inconnu (attendu : {', '.join(_STEP_FIELDS)})")
    for name, kind in _STEP_FIELDS.items():
        if name in raw and (not isinstance(raw[name], kind) or (kind is int and isinstance(raw[name], bool))):
            raise ConfigError(f"{where}, champ {name} : attendu {_TYPE_WORDS[kind]}, pas {raw[name]!r}")
    for name in ("key", "label", "channel", "offset"):
        if name not in raw:
            raise ConfigError(f"{where} : champ {name} manquant")
    if not _KEY.fullmatch(raw["key"]):
        raise ConfigError(f"{where}, champ key : {raw['key']!r} invalide (minuscules, chiffres, _)")
    template = raw.get("template", "")
    if template and not _KEY.fullmatch(template):
        # a template name, never a path: the file is templates/email/<name>.txt.j2 or templates/letter/...
        raise ConfigError(f"{where}, champ template : {template!r} invalide (un nom, pas un chemin)")
    attach = raw.get("attach", "")
    if attach and not _KEY.fullmatch(attach):  # a document's name (templates/documents/<name>.typ), not a path
        raise ConfigError(f"{where}, champ attach : {attach!r} invalide (un nom de document, pas un chemin)")
    stops = raw.get("stops", list(STOPS))
    if not all(isinstance(s, str) for s in stops):
        raise ConfigError(f"{where}, champ stops : attendu une liste de textes")
    return PlanStep(key=raw["key"], label=clean(raw["label"])[:80], channel=raw["channel"], offset=raw["offset"],
                    anchor=raw.get("anchor", "due"), template=template, approval=raw.get("approval", True),
                    required=raw.get("required", False), costs=raw.get("costs", False), act=raw.get("act", ""),
                    stops=frozenset(stops), attach=attach)


def _line(text: str, header: str, nth: int = 1) -> int:
    """The line of the ``nth`` occurrence of a table header (tomllib gives no line for a value)."""
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().replace(" ", "").startswith(header.replace(" ", "")):
            seen += 1
            if seen == nth:
                return number
    return 1
