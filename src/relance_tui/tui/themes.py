"""Themes shipped in ``themes/`` (the package ``relance_tui.themes``)."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

from textual.theme import Theme

from relance_tui.errors import ConfigError

DEFAULT_THEME = "relance-sombre"
_THEME_FIELDS = ("name", "primary", "secondary", "warning", "error", "success", "accent", "foreground",
                 "background", "surface", "panel", "boost", "dark", "luminosity_spread", "text_alpha",
                 "variables")


@functools.cache  # files of the installed package: read once a process (the CLI and the app both ask)
def load_themes() -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for entry in sorted(resources.files("relance_tui.themes").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".toml"):
            continue
        try:
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            theme = Theme(**{k: v for k, v in data.items() if k in _THEME_FIELDS})
        except (tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
            raise ConfigError(f"thème {entry.name} invalide : {exc}") from exc
        themes[theme.name] = theme
    return themes


def check_theme(name: str, themes: dict[str, Theme]) -> str:
    if name not in themes:
        raise ConfigError(f"thème {name!r} inconnu ; thèmes disponibles : {', '.join(sorted(themes))}")
    return name
