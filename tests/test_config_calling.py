"""[calling]: call caps per contact and per debtor, a consumer's at most a business's (issue 13, item 7)."""

import pytest

from relance_tui.config import load_settings
from relance_tui.errors import ConfigError
from relance_tui.settings_files import office_settings_text
from tests.test_config import paths_with


def test_default_caps_are_lower_for_a_consumer(tmp_path):
    paths, env = paths_with(tmp_path)
    c = load_settings(paths, env).calling
    assert (c.max_calls_30d, c.max_calls_30d_contact_b2c) == (4, 3)
    assert (c.max_calls_30d_debtor_b2b, c.max_calls_30d_debtor_b2c) == (6, 3)


def test_the_sample_office_file_documents_the_caps(tmp_path):
    for key in ("max_calls_30d_contact_b2c", "max_calls_30d_debtor_b2b", "max_calls_30d_debtor_b2c"):
        assert f"\n{key} = " in office_settings_text()
    paths, env = paths_with(tmp_path, office=office_settings_text())
    assert load_settings(paths, env).calling.max_calls_30d_debtor_b2b == 6


def test_caps_from_the_file_and_the_environment(tmp_path):
    paths, env = paths_with(tmp_path, "[calling]\nmax_calls_30d_debtor_b2b = 8\nmax_calls_30d_debtor_b2c = 2\n")
    c = load_settings(paths, env | {"RELANCE_CALLING_MAX_CALLS_30D_CONTACT_B2C": "2"}).calling
    assert (c.max_calls_30d_debtor_b2b, c.max_calls_30d_debtor_b2c, c.max_calls_30d_contact_b2c) == (8, 2, 2)


@pytest.mark.parametrize(("office", "message"), [
    ("[calling]\nmax_calls_30d_debtor_b2c = 7\n",
     "[calling] max_calls_30d_debtor_b2c: attendu au plus max_calls_30d_debtor_b2b (6)"),
    ("[calling]\nmax_calls_30d = 2\nmax_calls_30d_contact_b2c = 3\n",  # both written: the consumer's is above
     "[calling] max_calls_30d_contact_b2c: attendu au plus max_calls_30d (2)"),
    ("[calling]\nmax_calls_30d_debtor_b2b = 0\n", "[calling] max_calls_30d_debtor_b2b: attendu un nombre entre 1"),
])
def test_a_consumer_cap_above_the_business_one_is_refused(tmp_path, office, message):
    paths, env = paths_with(tmp_path, office)
    with pytest.raises(ConfigError) as err:
        load_settings(paths, env)
    assert str(paths.office_file) in str(err.value) and message in str(err.value)


def test_a_refused_cap_from_the_environment_names_the_variable(tmp_path):
    paths, env = paths_with(tmp_path)
    with pytest.raises(ConfigError, match="variable RELANCE_CALLING_MAX_CALLS_30D_DEBTOR_B2C: attendu au plus "
                                          r"max_calls_30d_debtor_b2b \(6\).*trouvé 9"):
        load_settings(paths, env | {"RELANCE_CALLING_MAX_CALLS_30D_DEBTOR_B2C": "9"})


@pytest.mark.parametrize(("office", "env", "caps"), [
    # only the business caps written: the consumer's defaults (3 and 3) come down to them
    ("[calling]\nmax_calls_30d = 2\n", {}, (2, 2, 6, 3)),
    ("[calling]\nmax_calls_30d_debtor_b2b = 1\n", {}, (4, 3, 1, 1)),
    ("", {"RELANCE_CALLING_MAX_CALLS_30D": "1", "RELANCE_CALLING_MAX_CALLS_30D_DEBTOR_B2B": "2"}, (1, 1, 2, 2)),
    # a business cap above the consumer's default leaves that default as it is
    ("[calling]\nmax_calls_30d = 10\nmax_calls_30d_debtor_b2b = 20\n", {}, (10, 3, 20, 3)),
    # a consumer cap written somewhere is kept as written (and checked)
    ("[calling]\nmax_calls_30d = 2\n", {"RELANCE_CALLING_MAX_CALLS_30D_CONTACT_B2C": "1"}, (2, 1, 6, 3)),
])
def test_a_consumer_cap_left_out_follows_a_lower_business_cap(tmp_path, office, env, caps):
    # an office file valid before the consumer caps existed ([calling] max_calls_30d = 2) still starts
    paths, base = paths_with(tmp_path, office)
    c = load_settings(paths, base | env).calling
    assert (c.max_calls_30d, c.max_calls_30d_contact_b2c, c.max_calls_30d_debtor_b2b,
            c.max_calls_30d_debtor_b2c) == caps


def test_a_written_consumer_cap_above_a_lowered_business_cap_is_still_refused(tmp_path):
    paths, env = paths_with(tmp_path, "[calling]\nmax_calls_30d_debtor_b2b = 2\n")
    with pytest.raises(ConfigError, match="variable RELANCE_CALLING_MAX_CALLS_30D_DEBTOR_B2C: attendu au plus "
                                          r"max_calls_30d_debtor_b2b \(2\).*trouvé 3"):
        load_settings(paths, env | {"RELANCE_CALLING_MAX_CALLS_30D_DEBTOR_B2C": "3"})
