"""Settings: an office-wide TOML next to the database, a per-user TOML, and
``RELANCE_*`` environment variables, in increasing order of precedence.

Every value is checked; a bad one is a ``ConfigError`` naming the file (or
variable), the key, what is expected and what was found.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from relance_tui.domain.text import clean
from relance_tui.errors import ConfigError

APP_NAME = "relance"
OFFICE_FILE_NAME = "relance.toml"
ENV_PREFIX = "RELANCE_"


# -- the settings -------------------------------------------------------------
@dataclass(frozen=True)
class OfficeSettings:
    """Who the office is: printed on letters and emails."""

    name: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    siren: str = ""
    # Belgian enterprise number (BCE/KBO) of the creditor: the free first reminder to a Belgian consumer must
    # state it (CDE art. XIX.2 §1); checked like a debtor's (97 - first eight digits mod 97)
    enterprise_number: str = ""
    iban: str = ""
    bic: str = ""
    phone: str = ""
    email: str = ""
    signature: str = ""
    country: str = "FR"
    timezone: str = "Europe/Paris"
    payment_terms_days: int = 30
    supervisors: list[str] = field(default_factory=list)
    # The office's terms of sale hold a damage clause ("clause pénale") for consumers: a Belgian consumer
    # then owes, after the free reminder's 14 days, at most the CDE XIX.4 scale; without one, interest only.
    be_consumer_damage_clause: bool = False


@dataclass(frozen=True)
class CallingSettings:
    """When a debtor may be called (good practice after C. conso D223-9)."""

    hours: list[str] = field(default_factory=lambda: ["10:00-13:00", "14:00-20:00"])
    days: list[int] = field(default_factory=lambda: [1, 2, 3, 4, 5])  # ISO weekdays, Monday = 1
    public_holidays: bool = True
    max_calls_30d: int = 4  # per contact of a business
    # a consumer's caps are lower than a business's (checked): one person, whatever the number called
    max_calls_30d_contact_b2c: int = 3  # per contact of a consumer
    max_calls_30d_debtor_b2b: int = 6  # per business debtor, all its contacts together
    max_calls_30d_debtor_b2c: int = 3  # per consumer debtor, all its contacts together


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls, tls or none
    user: str = ""
    password: str = ""
    sender: str = ""


@dataclass(frozen=True)
class DatabaseSettings:
    journal_mode: str = "auto"  # auto, wal, delete, network
    # seconds without a heartbeat after which another machine's lease on the base is taken over (store/lease.py)
    lease_timeout: int = 30


@dataclass(frozen=True)
class DocumentSettings:
    notice_days: int = 8  # the deadline a formal notice gives the debtor, in days from its date


@dataclass(frozen=True)
class PrivacySettings:
    """Personal data (GDPR): how long it is kept once a debtor owes nothing (``relance purge``)."""

    # Years without activity after which ``relance purge`` anonymises a debtor that owes nothing; None
    # (left out): each debtor's limitation period (domain/law.py, ``Regime.limitation_years``).
    retention_years: int | None = None


@dataclass(frozen=True)
class UserSettings:
    theme: str = "relance-sombre"
    display_name: str = ""


@dataclass(frozen=True)
class Paths:
    db: Path
    office_file: Path
    user_file: Path
    log_dir: Path
    data_dir: Path

    @property
    def log_file(self) -> Path:
        return self.log_dir / "relance.log"

    @property
    def demo_db(self) -> Path:
        return self.data_dir / "demo.db"

    @property
    def outbox(self) -> Path:
        return self.db.parent / "outbox"


@dataclass(frozen=True)
class Settings:
    paths: Paths
    agent: str
    office: OfficeSettings = field(default_factory=OfficeSettings)
    calling: CallingSettings = field(default_factory=CallingSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    user: UserSettings = field(default_factory=UserSettings)
    agents: dict[str, str] = field(default_factory=dict)  # login -> display name
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys

    @property
    def agent_name(self) -> str:
        return self.user.display_name or self.agents.get(self.agent) or self.agent

    @property
    def agent_named(self) -> bool:
        """This agent has a name of its own ([user] display_name or [agents]); else it is introduced by its login."""
        return bool(self.user.display_name or self.agents.get(self.agent))

    def display_name(self, login: str) -> str:
        if login == self.agent and self.user.display_name:
            return self.user.display_name
        return self.agents.get(login, login)

    @property
    def is_supervisor(self) -> bool:
        return self.agent in self.office.supervisors


# Which sections each file may hold.
OFFICE_SECTIONS = {"office": OfficeSettings, "calling": CallingSettings, "smtp": SmtpSettings,
                   "database": DatabaseSettings, "documents": DocumentSettings, "privacy": PrivacySettings}
USER_SECTIONS = {"user": UserSettings}
MAP_SECTIONS_OFFICE = ("agents",)
MAP_SECTIONS_USER = ("keys",)


# -- validation ---------------------------------------------------------------
_HOURS_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def _check_enterprise_number(value: str) -> str | None:
    from relance_tui.domain.identifiers import bce_valid

    return None if not value or bce_valid(value) else "un numéro d'entreprise belge valide (BCE), comme 0403.170.701"


def _check_iban(value: str) -> str | None:
    from relance_tui.domain.identifiers import iban_valid

    return None if not value or iban_valid(value) else "un IBAN valide, comme FR76 3000 6000 0112 3456 7890 189"


def _check_choice(choices: tuple[str, ...]):
    def check(value: str) -> str | None:
        return None if value in choices else f"une valeur parmi {', '.join(choices)}"
    return check


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "un fuseau horaire IANA comme Europe/Paris ou Europe/Brussels"
    return None


def _check_hours(value: list[str]) -> str | None:
    for item in value:
        m = _HOURS_RE.match(item)
        if not m or (m.group(1), m.group(2)) >= (m.group(3), m.group(4)):
            return "des plages HH:MM-HH:MM croissantes, comme [\"10:00-13:00\", \"14:00-20:00\"]"
    return None


def _check_range(low: int, high: int):
    def check(value: int) -> str | None:
        return None if low <= value <= high else f"un nombre entre {low} et {high}"
    return check


def _check_days(value: list[int]) -> str | None:
    return None if all(1 <= d <= 7 for d in value) else "des jours ISO de 1 (lundi) à 7 (dimanche)"


CHECKS: dict[tuple[str, str], typing.Callable[[typing.Any], str | None]] = {
    ("office", "country"): _check_choice(("FR", "BE")),
    ("office", "enterprise_number"): _check_enterprise_number,
    ("office", "timezone"): _check_timezone,
    ("office", "payment_terms_days"): _check_range(0, 365),
    ("calling", "hours"): _check_hours,
    ("calling", "days"): _check_days,
    ("calling", "max_calls_30d"): _check_range(1, 100),
    ("calling", "max_calls_30d_contact_b2c"): _check_range(1, 100),
    ("calling", "max_calls_30d_debtor_b2b"): _check_range(1, 100),
    ("calling", "max_calls_30d_debtor_b2c"): _check_range(1, 100),
    ("smtp", "port"): _check_range(1, 65535),
    ("smtp", "security"): _check_choice(("starttls", "tls", "none")),
    ("database", "journal_mode"): _check_choice(("auto", "wal", "delete", "network")),
    ("database", "lease_timeout"): _check_range(2, 3600),
    # the built-in plans prepare the court file 15 days after the notice: its deadline must be over by then
    ("documents", "notice_days"): _check_range(1, 14),
    ("office", "iban"): _check_iban,
    ("privacy", "retention_years"): _check_range(1, 50),
}

TYPE_WORDS = {str: "un texte", int: "un nombre entier", bool: "true ou false",
              list[str]: "une liste de textes", list[int]: "une liste de nombres"}


def _coerce(value: typing.Any, kind: typing.Any, *, from_env: bool) -> typing.Any:
    """Convert ``value`` to ``kind`` or raise ValueError with what is expected."""
    expected = TYPE_WORDS[kind]
    if from_env:
        if kind is str:
            return value
        if kind is int:
            try:
                return int(value.strip())
            except ValueError:
                raise ValueError(expected) from None
        if kind is bool:
            lowered = value.strip().lower()
            if lowered in ("1", "true", "yes", "oui", "on"):
                return True
            if lowered in ("0", "false", "no", "non", "off", ""):
                return False
            raise ValueError(expected)
        items = [v.strip() for v in value.split(",") if v.strip()]
        if kind == list[int]:
            try:
                return [int(v) for v in items]
            except ValueError:
                raise ValueError(expected + " séparés par des virgules") from None
        return items
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind is str:
        if isinstance(value, str):
            return value
    elif isinstance(value, list):
        inner = typing.get_args(kind)[0]
        if all(isinstance(v, inner) and not isinstance(v, bool) for v in value):
            return list(value)
    raise ValueError(expected)


def _required(kind: typing.Any) -> typing.Any:
    """``int | None`` is an ``int`` setting whose default (left out) is None: a file never writes None."""
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if typing.get_origin(kind) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return kind


def _section(cls: type, data: Mapping[str, typing.Any], section: str, where: str,
             env: Mapping[str, str], env_prefix: str) -> typing.Any:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise ConfigError(
            f"{where}: [{section}] {unknown[0]}: clé inconnue (clés possibles : {', '.join(names)})"
        )
    values: dict[str, typing.Any] = {}
    for name in names:
        kind = _required(hints[name])
        raw, source, from_env = data.get(name, dataclasses.MISSING), f"{where}: [{section}] {name}", False
        env_name = f"{env_prefix}{name.upper()}"
        if env_name in env:
            raw, source, from_env = env[env_name], f"variable {env_name}", True
        if raw is dataclasses.MISSING:
            continue
        try:
            value = _coerce(raw, kind, from_env=from_env)
        except ValueError as exc:
            raise ConfigError(f"{source}: attendu {exc}, trouvé {raw!r}") from None
        check = CHECKS.get((section, name))
        problem = check(value) if check else None
        if problem:
            raise ConfigError(f"{source}: attendu {problem}, trouvé {raw!r}")
        values[name] = _cleaned(section, name, value)
    for name, value in SECTION_DEFAULTS.get(section, lambda _v: {})(values).items():
        values.setdefault(name, value)  # a default that depends on what was written, never over a written value
    settings = cls(**values)
    for name, problem in SECTION_CHECKS.get(section, lambda _s: [])(settings):
        env_name = f"{env_prefix}{name.upper()}"
        source = f"variable {env_name}" if env_name in env else f"{where}: [{section}] {name}"
        raise ConfigError(f"{source}: attendu {problem}, trouvé {getattr(settings, name)!r}")
    return settings


# Each consumer cap and the business cap it may not exceed.
CONSUMER_CAPS = (("max_calls_30d_contact_b2c", "max_calls_30d"),
                 ("max_calls_30d_debtor_b2c", "max_calls_30d_debtor_b2b"))


def _default_consumer_caps(written: Mapping[str, typing.Any]) -> dict[str, int]:
    """A consumer cap nobody wrote (file or environment) is its default, lowered to the business cap: an office
    file with only ``max_calls_30d = 2`` stays valid (the consumer's 3 becomes 2). A written one is checked."""
    defaults = {f.name: f.default for f in dataclasses.fields(CallingSettings)}
    return {consumer: min(defaults[consumer], written.get(business, defaults[business]))
            for consumer, business in CONSUMER_CAPS if consumer not in written}


# Defaults that depend on other keys of the section: (values written) -> {key: default} for keys left out.
SECTION_DEFAULTS: dict[str, typing.Callable[[Mapping[str, typing.Any]], dict[str, typing.Any]]] = {
    "calling": _default_consumer_caps,
}


def _check_calling_caps(c: CallingSettings) -> list[tuple[str, str]]:
    """A consumer's call caps may not exceed a business's (issue 13: the consumer's are the lower)."""
    out = []
    for consumer, business in CONSUMER_CAPS:
        if getattr(c, consumer) > getattr(c, business):
            out.append((consumer, f"au plus {business} ({getattr(c, business)}) : un particulier est appelé "
                                  "moins qu'une entreprise"))
    return out


# Checks across the keys of a section: (key, what is expected) for each problem.
SECTION_CHECKS: dict[str, typing.Callable[[typing.Any], list[tuple[str, str]]]] = {
    "calling": _check_calling_caps,
}


KEPT_AS_WRITTEN = {("smtp", "password")}  # sent to the server, never shown: cleaning would change it
MULTILINE = {("office", "address"), ("office", "signature")}


def _cleaned(section: str, name: str, value: typing.Any) -> typing.Any:
    """A setting's text as ``domain.text.clean`` leaves it: it is shown to every agent (the office's name,
    its signature) and a control character in it must not reach a terminal."""
    if (section, name) in KEPT_AS_WRITTEN:
        return value
    if isinstance(value, str):
        return clean(value, multiline=(section, name) in MULTILINE)
    if isinstance(value, list):
        return [clean(v) if isinstance(v, str) else v for v in value]
    return value


def _string_map(data: typing.Any, section: str, where: str) -> dict[str, str]:
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ConfigError(f"{where}: [{section}]: attendu des lignes clé = \"texte\", trouvé {data!r}")
    return {clean(k): clean(v) for k, v in data.items()}  # [agents] display names are shown to everyone


def read_toml(path: Path) -> dict[str, typing.Any]:
    if not path.exists():
        return {}
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML invalide : {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: illisible : {exc.strerror}") from None


# -- loading ------------------------------------------------------------------
def os_login() -> str:
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return os.environ.get("USER") or f"uid{os.getuid()}"


def resolve_paths(db: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> Paths:
    env = os.environ if env is None else env
    data_dir = Path(env.get("RELANCE_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))
    db_path = Path(db or env.get("RELANCE_DB") or data_dir / "relance.db").expanduser()
    office_file = Path(env.get("RELANCE_OFFICE_CONFIG") or db_path.parent / OFFICE_FILE_NAME)
    user_file = Path(env.get("RELANCE_CONFIG") or Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml")
    log_dir = Path(env.get("RELANCE_LOG_DIR") or platformdirs.user_log_dir(APP_NAME))
    return Paths(db=db_path, office_file=office_file, user_file=user_file, log_dir=log_dir, data_dir=data_dir)


def load_settings(paths: Paths, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    office_data = read_toml(paths.office_file)
    user_data = read_toml(paths.user_file)
    sections: dict[str, typing.Any] = {}
    for where, data, allowed, maps in (
        (paths.office_file, office_data, OFFICE_SECTIONS, MAP_SECTIONS_OFFICE),
        (paths.user_file, user_data, USER_SECTIONS, MAP_SECTIONS_USER),
    ):
        known = [*allowed, *maps]
        for key, value in data.items():
            if key not in known:
                raise ConfigError(f"{where}: [{key}]: section inconnue ici (sections possibles : {', '.join(known)})")
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {key}: attendu une section [{key}], trouvé {value!r}")
        for name, cls in allowed.items():
            prefix = ENV_PREFIX if name == "user" else f"{ENV_PREFIX}{name.upper()}_"
            sections[name] = _section(cls, data.get(name, {}), name, str(where), env, prefix)
        for name in maps:
            sections[name] = _string_map(data.get(name, {}), name, str(where))
    agent = clean(env.get("RELANCE_AGENT") or os_login())
    return Settings(paths=paths, agent=agent, **sections)
