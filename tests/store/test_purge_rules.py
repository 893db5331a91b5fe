"""Rules of the GDPR module pinned one by one (store/purge.py): a debtor named on the command line, the
retention refused in words, what an event keeps of its details, what the right of access reads (issue 14)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relance_tui.errors import NotFound, RelanceError
from relance_tui.store.purge import (
    RetentionTooShort,
    _without_text,
    check_retention,
    find_debtor,
    person_record,
    purge,
    retention_years,
    years_before,
)
from relance_tui.store.queries import append_event

AT = "2014-01-01T08:00:00Z"


def add_debtors(store, *rows: tuple[int, str | None, str, str, str]) -> None:
    """(id, code, name, segment, country) each."""
    store.write(lambda db: db.conn.executemany(
        "INSERT INTO debtors (id, code, name, segment, country, postcode, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, '75011', ?, ?)", [(*r, AT, AT) for r in rows]))


# -- a debtor named on the command line -------------------------------------------------------------------
@pytest.fixture
def named(store):
    """Debtor 2 'Garage Dupont' (code 0012), 12 'Boulangerie Martin' (code 411), 13 'Traiteur Blanc' (code 12),
    14 'Menuiserie Roux' (no code), 411 'Brasserie Peeters' (code 411A)."""
    add_debtors(store, (2, "0012", "Garage Dupont", "b2b", "FR"), (12, "411", "Boulangerie Martin", "b2b", "FR"),
                (13, "12", "Traiteur Blanc", "b2b", "FR"), (14, None, "Menuiserie Roux", "b2b", "FR"),
                (411, "411A", "Brasserie Peeters", "b2b", "FR"))
    return store.conn


def found(conn, ref: str) -> tuple[int, str, str, str]:
    d = find_debtor(conn, ref)
    return d.id, d.code, d.name, d.label


def refusal(conn, ref: str) -> str:
    with pytest.raises(RelanceError) as caught:
        find_debtor(conn, ref)
    return f"{type(caught.value).__name__}: {caught.value}"


def test_a_debtor_is_found_by_its_code_first(named) -> None:
    assert found(named, " 0012 ") == (2, "0012", "Garage Dupont", "0012 (Garage Dupont)")
    assert found(named, "411A") == (411, "411A", "Brasserie Peeters", "411A (Brasserie Peeters)")
    # '411' is debtor 12's code and debtor 411's internal id: refused below; '0012' is only ever a code


def test_a_number_without_a_leading_zero_is_also_an_internal_id(named) -> None:
    assert found(named, "14") == (14, "", "Menuiserie Roux", "#14 (Menuiserie Roux)")
    assert found(named, "2") == (2, "0012", "Garage Dupont", "0012 (Garage Dupont)")


def test_the_internal_id_is_named_by_a_hash_or_id_colon(named) -> None:
    assert found(named, "#12")[:3] == (12, "411", "Boulangerie Martin")
    assert found(named, "id:12")[:3] == (12, "411", "Boulangerie Martin")
    assert found(named, "ID: 13")[:3] == (13, "12", "Traiteur Blanc")
    assert found(named, "# 411")[:3] == (411, "411A", "Brasserie Peeters")


def test_the_code_is_named_by_code_colon(named) -> None:
    assert found(named, "code:12")[:3] == (13, "12", "Traiteur Blanc")
    assert found(named, "CODE: 411")[:3] == (12, "411", "Boulangerie Martin")


def test_a_text_that_is_one_debtor_s_code_and_another_s_id_is_refused_saying_how_to_choose(named) -> None:
    assert refusal(named, "12") == (
        "RelanceError: --debtor 12 désigne deux débiteurs : le code de 12 (Traiteur Blanc) et le numéro interne de "
        "411 (Boulangerie Martin). Précisez --debtor code:12 pour le code, ou --debtor id:12 (ou '#12') pour le "
        "numéro interne")


def test_a_code_that_is_its_own_debtor_s_id_is_no_ambiguity(store) -> None:
    add_debtors(store, (7, "7", "Garage Dupont", "b2b", "FR"))
    assert found(store.conn, "7")[:2] == (7, "7")


def test_a_debtor_not_found_is_said_with_how_to_name_one(named) -> None:
    assert refusal(named, "Dupont") == (
        "NotFound: débiteur 'Dupont' introuvable (indiquez son code, ou id:N pour son numéro interne)")
    assert refusal(named, "") == (
        "NotFound: débiteur '' introuvable (indiquez son code, ou id:N pour son numéro interne)")
    assert refusal(named, "0099") == (
        "NotFound: débiteur '0099' introuvable (indiquez son code, ou id:N pour son numéro interne)")
    assert refusal(named, "#99") == "NotFound: débiteur n°99 introuvable (numéro interne)"
    assert refusal(named, "id:099") == "NotFound: débiteur n°99 introuvable (numéro interne)"
    assert refusal(named, "code:411B") == "NotFound: débiteur de code '411B' introuvable"
    assert refusal(named, "code: ") == "NotFound: débiteur de code '' introuvable"


@pytest.mark.parametrize("ref", ["#", "#12a", "id:", "id:douze", "#\u0661\u0662", "#-12"])
def test_after_a_hash_or_id_colon_only_digits_are_taken(named, ref) -> None:
    assert refusal(named, ref) == (
        f"RelanceError: débiteur {ref!r} : après # ou id: attendu le numéro interne (des chiffres)")


# -- the retention ----------------------------------------------------------------------------------------
def test_a_year_before_the_29th_of_february_is_the_28th() -> None:
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)
    assert years_before(dt.date(2026, 11, 23), 10) == dt.date(2016, 11, 23)


def test_a_debtor_s_retention_is_the_setting_else_its_longest_limitation_period() -> None:
    assert retention_years("BE", "b2c", years=12, office_country="FR") == 12
    assert retention_years("FR", "b2c", years=None, office_country="FR") == 5
    assert retention_years("BE", "b2c", years=None, office_country="FR") == 10
    assert retention_years("", "b2b", years=None, office_country="BE") == 10  # no country: the office's law
    assert retention_years("", "b2b", years=None, office_country="FR") == 5


def test_a_retention_too_short_names_the_longest_period_its_texts_and_how_many_debtors(store) -> None:
    add_debtors(store, (1, "A", "Brasserie Peeters", "b2b", "BE"), (2, "B", "Jan Peeters", "b2c", "BE"),
                (3, "C", "Jef Peeters", "b2c", "BE"), (4, "D", "Garage Dupont", "b2b", "FR"))
    with pytest.raises(RetentionTooShort) as caught:
        check_retention(store.conn, 6)
    assert str(caught.value) == (
        "une conservation de 6 ans est plus courte que la prescription de 10 ans (C. civ. (ancien) art. 2262bis §1 "
        "(10 ans) ; C. civ. (ancien) art. 2262bis §1 (10 ans ; 1 an seulement pour des marchandises, art. 2272)) "
        "qui peut s'appliquer à 3 débiteurs : leurs données peuvent servir en justice jusque-là (RGPD art. 17.3.e). "
        "Indiquez au moins 10 ans, ou aucune durée (la prescription la plus longue de chaque débiteur)")
    with pytest.raises(RetentionTooShort) as caught:
        check_retention(store.conn, 1)
    assert str(caught.value).startswith("une conservation de 1 an est plus courte que la prescription de 10 ans")
    check_retention(store.conn, 10)  # exactly the longest period: accepted
    check_retention(store.conn, None)


def test_a_debtor_with_no_country_counts_with_the_office_s_law(store) -> None:
    add_debtors(store, (1, "A", "Garage Dupont", "b2b", ""))
    check_retention(store.conn, 5)  # French office: five years
    with pytest.raises(RetentionTooShort, match=r"^une conservation de 5 ans .* de 10 ans .* à 1 débiteur : "):
        check_retention(store.conn, 5, office_country="BE")


# -- what an event keeps of its details -----------------------------------------------------------------
def test_an_event_keeps_its_figures_and_lists_of_ids_and_loses_every_text() -> None:
    data = json.dumps({"invoice_ids": [3, 1], "amount_cents": 12000, "late": False, "rate": 0.5, "none": None,
                       "to": "jean@exemple.fr", "changes": {"phone": ["01", "02"]}, "names": ["Jean", 1],
                       "flags": [True], "échéance": 5})
    assert json.loads(_without_text(data)) == {"invoice_ids": [3, 1], "amount_cents": 12000, "late": False,
                                               "rate": 0.5, "none": None, "échéance": 5}
    assert _without_text(data) == ('{"amount_cents": 12000, "invoice_ids": [3, 1], "late": false, "none": null, '
                                   '"rate": 0.5, "échéance": 5}')  # sorted, as written


@pytest.mark.parametrize("data", [None, "", "pas du json", "[1, 2]", '"texte"', '{"to": "jean@exemple.fr"}', "{}"])
def test_an_event_with_nothing_left_keeps_no_details(data) -> None:
    assert _without_text(data) is None


# -- the right of access ------------------------------------------------------------------------------------
def test_the_record_holds_the_debtor_s_every_column_but_the_folded_copies(store) -> None:
    add_debtors(store, (1, "0001", "Garage Dupont", "b2b", "FR"))
    record = person_record(store, 1)
    columns = [c[1] for c in store.conn.execute("PRAGMA table_info(debtors)")]
    assert list(record.debtor) == [c for c in columns if c not in ("name_key", "search")]
    assert (record.debtor["code"], record.debtor["postcode"], record.debtor["name"]) == ("0001", "75011",
                                                                                         "Garage Dupont")


def test_the_record_reads_the_details_as_written_and_texts_as_texts(store) -> None:
    add_debtors(store, (1, "0001", "Garage Dupont", "b2b", "FR"))
    store.write(lambda db: append_event(db, at=AT, agent="marie", kind="note", debtor_id=1, notes="12",
                                        data={"to": "jean@exemple.fr"}))
    store.write(lambda db: db.execute("INSERT INTO events (at, debtor_id, kind, agent, notes, data) "
                                      "VALUES (?, 1, 'note', 'marie', '', 'pas du json')", [AT]))
    first, second = person_record(store, 1).tables["events"]
    assert (first["notes"], first["data"], first["invoice_ids"]) == ("12", {"to": "jean@exemple.fr"}, [])
    assert second["data"] == "pas du json"  # kept as stored


def test_the_record_can_be_read_inside_a_transaction(store) -> None:
    add_debtors(store, (1, "0001", "Garage Dupont", "b2b", "FR"))
    record = store.write(lambda db: person_record(store, 1))
    assert record.debtor["name"] == "Garage Dupont" and set(record.tables) == {
        "contacts", "invoices", "payments", "promises", "disputes", "events", "legal_acts", "penalty_waivers",
        "next_actions", "session_items"}
    assert not store.conn.in_transaction


def test_no_record_for_an_unknown_debtor(store) -> None:
    with pytest.raises(NotFound, match=r"^débiteur n°99 introuvable$"):
        person_record(store, 99)
    assert not store.conn.in_transaction


# -- a purge's own record ---------------------------------------------------------------------------------
def test_a_purge_says_on_each_timeline_and_office_wide_what_went_with_who_and_when(store) -> None:
    from tests.helpers import FakeClock
    from tests.store.test_purge import build_office

    store.clock = FakeClock(dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc))
    ids = build_office(store)
    result = purge(store, today=dt.date(2026, 11, 23))
    old, pers = ids["OLD"], ids["PERS"]
    assert (result.purge_id, [c.debtor_id for c in result.debtors]) == (1, [old, pers])
    assert result.counts == {"debtors": 2, "contacts": 2, "events": 2, "promises": 1, "disputes": 1}
    q = store.conn.execute
    assert q("SELECT id, at, agent, years, debtors, status, unfinished FROM purges").fetchall() == [
        (1, "2026-11-23T09:30:00Z", "marie", 0, 2, "done", None)]
    rows = q("SELECT id, at, agent, kind, outcome, debtor_id, notes, data FROM events WHERE outcome = 'purge' "
             "ORDER BY id").fetchall()
    notes = "Données personnelles anonymisées (RGPD, conservation 5 ans après la dernière activité)"
    assert [r[1:7] for r in rows] == [
        ("2026-11-23T09:30:00Z", "marie", "system", "purge", old, notes),
        ("2026-11-23T09:30:00Z", "marie", "system", "purge", pers, notes),
        ("2026-11-23T09:30:00Z", "marie", "system", "purge", None,
         "Anonymisation RGPD : 2 débiteurs, 2 contacts, 2 événements, 1 promesse, 1 litige")]
    assert [json.loads(r[7]) for r in rows] == [
        {"purge_id": 1, "years": 5, "contacts": 1, "events": 1, "promises": 1, "disputes": 1},
        {"purge_id": 1, "years": 5, "contacts": 1, "events": 1, "promises": 0, "disputes": 0},
        {"purge_id": 1, "years": None, "debtors": 2, "contacts": 2, "events": 2, "promises": 1, "disputes": 1,
         "debtor_ids": [old, pers]}]
    assert result.event_id == rows[2][0]
    # every row anonymised is stamped: a form left open on it is refused instead of writing the old values back
    for table, where in (("contacts", "debtor_id"), ("debtors", "id"), ("promises", "debtor_id"),
                         ("disputes", "debtor_id")):
        assert q(f"SELECT DISTINCT version, updated_at, updated_by FROM {table} WHERE {where} = ?",
                 [old]).fetchall() == [(2, "2026-11-23T09:30:00Z", "marie")], table


def test_a_purge_with_a_retention_given_records_it(store) -> None:
    from tests.store.test_purge import build_office

    ids = build_office(store)
    result = purge(store, today=dt.date(2026, 11, 23), years=11)
    assert [(c.debtor_id, c.years) for c in result.debtors] == [(ids["OLD"], 11)]
    assert store.conn.execute("SELECT years, debtors FROM purges").fetchall() == [(11, 1)]
    data = [json.loads(d) for (d,) in store.conn.execute(
        "SELECT data FROM events WHERE outcome = 'purge' ORDER BY id")]
    assert [d["years"] for d in data] == [11, 11]
    assert store.conn.execute("SELECT notes FROM events WHERE outcome = 'purge' AND debtor_id IS NULL").fetchone() == (
        "Anonymisation RGPD : 1 débiteur, 1 contact, 1 événement, 1 promesse, 1 litige",)


def test_a_purge_under_a_belgian_office_keeps_a_debtor_with_no_country_ten_years(store) -> None:
    from tests.store.test_purge import add_debtor

    add_debtor(store, "X", country="", issued="2015-03-01")  # paid 31/03/2015
    today = dt.date(2026, 11, 23)
    assert [c.years for c in purge(store, today=today, office_country="BE").debtors] == [10]
    assert store.conn.execute("SELECT name FROM contacts").fetchone() == ("Contact anonymisé",)
    add_debtor(store, "Y", country="", issued="2017-03-01")  # paid 31/03/2017: within ten years
    assert purge(store, today=today, office_country="BE").debtors == ()
    assert [c.years for c in purge(store, today=today).debtors] == [5]


def test_a_read_only_post_is_told_it_cannot_purge(store, db_path) -> None:
    from relance_tui.errors import ReadOnlyDatabase
    from relance_tui.store import open_store
    from relance_tui.store.purge import purge as run

    reader = open_store(db_path, agent="karim", readonly=True)
    try:
        with pytest.raises(ReadOnlyDatabase, match=r"^anonymisation des données personnelles impossible"):
            run(reader, today=dt.date(2026, 11, 23))
    finally:
        reader.close()


# -- who is anonymised ---------------------------------------------------------------------------------------
def test_a_consumer_who_paid_late_but_was_never_put_on_notice_owes_no_penalty_and_goes(store) -> None:
    """A French consumer's interest runs from the formal notice: with none, a payment a month late owes
    nothing, and nothing keeps the debtor once its retention has run."""
    from relance_tui.store.purge import purge_candidates
    from tests.store.test_purge import add_debtor

    add_debtor(store, "CONSO", kind="person", segment="b2c", issued="2015-03-01", paid_on="2015-04-30",
               delivery="2025-06-30")  # not time-barred: the penalties are looked at, and are nothing
    add_debtor(store, "PRO", issued="2015-03-01", paid_on="2015-04-30", delivery="2022-06-30")  # 40 € owed
    assert [(c.code, c.years) for c in purge_candidates(store, today=dt.date(2026, 11, 23))] == [("CONSO", 5)]


def test_a_second_purge_keeps_the_record_of_the_first(store) -> None:
    from tests.store.test_purge import add_debtor

    debtor = add_debtor(store, "A")
    purge(store, today=dt.date(2026, 11, 23))
    store.write(lambda db: append_event(db, at="2027-01-04T09:00:00Z", agent="marie", kind="note", debtor_id=debtor,
                                        notes="Nouvelle commande de M. Jean"))
    purge(store, today=dt.date(2040, 1, 1))
    assert [(n, d and json.loads(d)) for n, d in store.conn.execute(
        "SELECT notes, data FROM events WHERE debtor_id = ? ORDER BY id", [debtor])] == [
        ("Données personnelles anonymisées (RGPD, conservation 5 ans après la dernière activité)",
         {"purge_id": 1, "years": 5, "contacts": 1, "events": 0, "promises": 0, "disputes": 0}),
        ("", None),  # the note: its text goes
        ("Données personnelles anonymisées (RGPD, conservation 5 ans après la dernière activité)",
         {"purge_id": 2, "years": 5, "contacts": 1, "events": 1, "promises": 0, "disputes": 0})]


def test_each_invoice_paid_late_is_looked_at_on_its_own(store) -> None:
    """Two invoices paid late, one time-barred, one whose delivery in 2022 keeps its penalties claimable: kept."""
    from relance_tui.store.purge import purge_candidates
    from tests.store.test_purge import add_debtor

    add_debtor(store, "A", issued="2015-03-01", paid_on="2015-06-30")
    debtor = add_debtor(store, "B", issued="2015-03-01", paid_on="2015-06-30")
    store.write(lambda db: db.execute(
        "INSERT INTO invoices (number, debtor_id, issue_date, due_date, delivery_date, amount_cents, paid_cents, "
        "status, paid_date, created_at, updated_at) VALUES ('FA-B2', ?, '2015-03-01', '2015-03-31', '2022-06-30', "
        "50000, 50000, 'paid', '2015-06-30', ?, ?)", [debtor, AT, AT]))
    assert [c.code for c in purge_candidates(store, today=dt.date(2026, 11, 23))] == ["A"]


def test_penalties_are_looked_at_for_every_debtor_however_many(store) -> None:
    """More debtors than one query takes (900): the one still owed penalties, read in the first batch, is kept."""
    from relance_tui.store.purge import purge_candidates
    from tests.store.test_purge import add_debtor

    add_debtor(store, "A0", issued="2015-03-01", paid_on="2015-06-30", delivery="2022-06-30")  # claimable

    def others(db):
        for n in range(1, 901):
            d = db.execute("INSERT INTO debtors (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                           [f"B{n:03}", f"Client {n}", AT, AT]).lastrowid
            db.execute("INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, paid_cents, "
                       "status, paid_date, created_at, updated_at) VALUES (?, ?, '2015-03-01', '2015-03-31', 10000, "
                       "10000, 'paid', '2015-03-31', ?, ?)", [f"FB-{n}", d, AT, AT])

    store.write(others)
    codes = [c.code for c in purge_candidates(store, today=dt.date(2026, 11, 23))]
    assert len(codes) == 900 and "A0" not in codes


def test_claimable_penalties_end_with_the_debtor_s_own_limitation_period(store) -> None:
    """A Belgian consumer of a French office, reminded for free then paid late: penalties owed under Belgian
    law, time-barred one year after the delivery (not the French consumer's two); a Belgian office's business
    debtor with no country: ten years (not the French five)."""
    from relance_tui.store.purge import purge_candidates
    from tests.store.test_purge import add_debtor

    conso = add_debtor(store, "BECONSO", kind="person", segment="b2c", country="BE", issued="2010-01-01",
                       paid_on="2010-06-30", delivery="2024-03-01")
    invoice = store.conn.execute("SELECT id FROM invoices WHERE debtor_id = ?", [conso]).fetchone()[0]
    store.write(lambda db: db.execute("INSERT INTO legal_acts (debtor_id, invoice_id, kind, day, channel, agent, at) "
                                      "VALUES (?, ?, 'first_reminder', '2010-02-05', 'letter', 'marie', ?)",
                                      [conso, invoice, AT]))
    assert "BECONSO" not in [c.code for c in purge_candidates(store, today=dt.date(2025, 2, 28))]
    assert "BECONSO" in [c.code for c in purge_candidates(store, today=dt.date(2025, 6, 1))]


def test_a_belgian_office_s_business_debtor_owes_its_penalties_ten_years(store) -> None:
    from relance_tui.store.purge import purge_candidates
    from tests.store.test_purge import add_debtor

    add_debtor(store, "X", country="", issued="2010-01-01", paid_on="2010-03-31", delivery="2016-06-30")
    assert purge_candidates(store, today=dt.date(2025, 1, 1), office_country="BE") == []
    assert [c.code for c in purge_candidates(store, today=dt.date(2026, 7, 1), office_country="BE")] == ["X"]


def test_a_consumer_put_on_notice_before_paying_late_owes_interest_and_is_kept(store) -> None:
    """Put on notice on 10/04/2015, paid on 30/04/2015, delivered in 2025: the interest from the notice is
    still claimable."""
    from relance_tui.store.purge import purge_candidates
    from tests.store.test_purge import add_debtor

    d = add_debtor(store, "NOTICE", kind="person", segment="b2c", issued="2015-03-01", paid_on="2015-04-30",
                   delivery="2025-06-30")
    store.write(lambda db: db.execute("UPDATE debtors SET formal_notice_date = '2015-04-10' WHERE id = ?", [d]))
    assert purge_candidates(store, today=dt.date(2026, 11, 23)) == []


def test_a_belgian_office_s_consumer_with_no_country_owes_interest_after_the_free_reminder(store) -> None:
    """Belgian law (the office's): interest after the 14 days of the free reminder, so the debtor is kept,
    where French law would owe nothing without a formal notice."""
    from relance_tui.store.purge import purge_candidates
    from tests.store.test_purge import add_debtor

    d = add_debtor(store, "BE", kind="person", segment="b2c", country="", issued="2010-01-01", paid_on="2010-06-30",
                   delivery="2024-03-01")
    invoice = store.conn.execute("SELECT id FROM invoices WHERE debtor_id = ?", [d]).fetchone()[0]
    store.write(lambda db: db.execute("INSERT INTO legal_acts (debtor_id, invoice_id, kind, day, channel, agent, at) "
                                      "VALUES (?, ?, 'first_reminder', '2010-02-05', 'letter', 'marie', ?)",
                                      [d, invoice, AT]))
    assert purge_candidates(store, today=dt.date(2025, 2, 28), office_country="BE") == []
