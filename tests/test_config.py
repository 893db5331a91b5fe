from pathlib import Path

import pytest

from relance_tui.config import load_settings, resolve_paths
from relance_tui.errors import ConfigError
from relance_tui.settings_files import office_settings_text


def paths_with(tmp_path: Path, office: str = "", user: str = ""):
    db = tmp_path / "srv" / "relance.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {"RELANCE_CONFIG": str(tmp_path / "user.toml"), "RELANCE_DATA_DIR": str(tmp_path / "data")}
    if office:
        (db.parent / "relance.toml").write_text(office, encoding="utf-8")
    if user:
        (tmp_path / "user.toml").write_text(user, encoding="utf-8")
    return resolve_paths(db, env), env


def test_defaults_without_any_file(tmp_path):
    paths, env = paths_with(tmp_path)
    s = load_settings(paths, env | {"RELANCE_AGENT": "karim"})
    assert s.agent == "karim"
    assert s.office.country == "FR" and s.office.timezone == "Europe/Paris"
    assert s.calling.hours == ["10:00-13:00", "14:00-20:00"] and s.calling.max_calls_30d == 4
    assert s.user.theme == "relance-sombre"


def test_office_file_lives_next_to_the_database(tmp_path):
    paths, _ = paths_with(tmp_path)
    assert paths.office_file == tmp_path / "srv" / "relance.toml"
    assert paths.outbox == tmp_path / "srv" / "outbox"


def test_db_path_precedence(tmp_path):
    env = {"RELANCE_DB": str(tmp_path / "env.db"), "RELANCE_DATA_DIR": str(tmp_path / "data")}
    assert resolve_paths(tmp_path / "flag.db", env).db == tmp_path / "flag.db"
    assert resolve_paths(None, env).db == tmp_path / "env.db"
    assert resolve_paths(None, {"RELANCE_DATA_DIR": str(tmp_path / "d")}).db == tmp_path / "d" / "relance.db"


def test_the_commented_template_is_valid(tmp_path):
    paths, env = paths_with(tmp_path, office=office_settings_text())
    assert load_settings(paths, env).office.payment_terms_days == 30


def test_office_user_and_env_layers(tmp_path):
    office = '[office]\nname = "Cabinet Dupont"\ncountry = "BE"\ntimezone = "Europe/Brussels"\n' \
             'supervisors = ["marie"]\n[agents]\nkarim = "Karim B."\n[smtp]\nhost = "smtp.local"\n'
    user = '[user]\ntheme = "relance-clair"\n[keys]\n"app.quit" = "x"\n'
    paths, env = paths_with(tmp_path, office, user)
    env |= {"RELANCE_SMTP_PORT": "2525", "RELANCE_CALLING_DAYS": "1,2,3", "RELANCE_AGENT": "marie",
            "RELANCE_THEME": "relance-contraste"}
    s = load_settings(paths, env)
    assert s.office.name == "Cabinet Dupont" and s.office.country == "BE"
    assert s.smtp.host == "smtp.local" and s.smtp.port == 2525
    assert s.calling.days == [1, 2, 3]
    assert s.user.theme == "relance-contraste"  # env beats the file
    assert s.keys == {"app.quit": "x"}
    assert s.is_supervisor and s.display_name("karim") == "Karim B."


@pytest.mark.parametrize(
    ("office", "message"),
    [
        ('[office]\ncountry = "DE"\n', "[office] country: attendu une valeur parmi FR, BE, trouvé 'DE'"),
        ('[office]\ntimezone = "Paris"\n', "[office] timezone: attendu un fuseau horaire IANA"),
        ('[office]\npayment_terms_days = "trente"\n', "[office] payment_terms_days: attendu un nombre entier"),
        ('[calling]\nhours = ["14:00-10:00"]\n', "[calling] hours: attendu des plages HH:MM-HH:MM croissantes"),
        ('[calling]\ndays = [0]\n', "[calling] days: attendu des jours ISO"),
        ('[smtp]\nsecurity = "ssl"\n', "[smtp] security: attendu une valeur parmi starttls, tls, none"),
        ('[smtp]\nhots = "x"\n', "[smtp] hots: clé inconnue"),
        ('[ofice]\nname = "x"\n', "[ofice]: section inconnue"),
        ('[office]\nname = "x\n', "TOML invalide"),
    ],
)
def test_invalid_office_settings_name_file_key_and_expectation(tmp_path, office, message):
    paths, env = paths_with(tmp_path, office)
    with pytest.raises(ConfigError) as err:
        load_settings(paths, env)
    assert str(paths.office_file) in str(err.value)
    assert message in str(err.value)


def test_invalid_env_value_names_the_variable(tmp_path):
    paths, env = paths_with(tmp_path)
    with pytest.raises(ConfigError, match="variable RELANCE_SMTP_PORT: attendu un nombre entier, trouvé 'abc'"):
        load_settings(paths, env | {"RELANCE_SMTP_PORT": "abc"})


def test_user_file_cannot_hold_office_sections(tmp_path):
    paths, env = paths_with(tmp_path, user='[smtp]\nhost = "x"\n')
    with pytest.raises(ConfigError, match="section inconnue"):
        load_settings(paths, env)
