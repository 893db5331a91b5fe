"""Theme files shipped with relance (one TOML file per theme)."""
