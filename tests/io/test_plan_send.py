"""The plan's emails sent in a batch (io/plan_send.py, relance plan run --send): each step once, even with
two runs at once; a failure said per debtor and left in the agenda (issue 15)."""

from __future__ import annotations

import datetime as dt
import email
import os
import subprocess
import sys
from pathlib import Path

import pytest

from relance_tui.config import OfficeSettings, SmtpSettings
from relance_tui.errors import StaleEdit
from relance_tui.io.plan_send import Mailer, send_plan_emails
from relance_tui.io.templates import Templates
from relance_tui.store.agenda import agenda
from relance_tui.store.plan import debtor_plans
from tests.conftest import TODAY
from tests.io.test_mail import free_port, smtp_server  # noqa: F401 - the fixture
from tests.store.test_acts import add_debtor, add_invoice

ROOT = Path(__file__).resolve().parents[2]
OFFICE = OfficeSettings(name="Cabinet Dupuis", iban="FR7630006000011234567890189", country="FR")


def automatic(store, today=TODAY):
    return [i for i in agenda(store, today) if i.state.next.channel == "email" and not i.state.next.approval]


def add_contact(store, debtor: int, mail: str) -> None:
    store.write(lambda db: db.execute(
        "INSERT INTO contacts (debtor_id, name, email, created_at, updated_at) VALUES (?, ?, ?, '', '')",
        [debtor, "Compta", mail]))


def body(msg) -> str:
    """The text part, its no-break spaces (thousands, before €) as plain spaces for the assertions."""
    part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode().replace("\xa0", " ")


@pytest.mark.slow
def test_two_runs_at_once_send_each_step_exactly_once(demo_store, smtp_server, tmp_path) -> None:  # noqa: F811
    port, received = smtp_server
    due = automatic(demo_store)
    assert len(due) >= 3  # the demo has courtesy notices and reminders due
    demo_store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "RELANCE_DB": str(demo_store.path),
           "RELANCE_SMTP_HOST": "127.0.0.1", "RELANCE_SMTP_PORT": str(port), "RELANCE_SMTP_SECURITY": "none",
           "RELANCE_SMTP_SENDER": "relances@cabinet.fr", "RELANCE_OFFICE_IBAN": OFFICE.iban}
    # the demo's day is the office's today for both runs (--send sends today's steps only)
    code = ("import sys, time_machine; from relance_tui.cli import main\n"
            "with time_machine.travel('2026-11-23 10:00 +01:00', tick=True):\n"
            "    sys.exit(main(['plan', 'run', '--send']))")
    cmd = [sys.executable, "-c", code]
    runs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outs = [r.communicate(timeout=300) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    # every step due went out once: as many emails as steps, one per debtor
    assert len(received) == len(due)
    assert len({m["To"] + m["Subject"] for m in received}) == len(due)
    assert sum(int(o.split("Emails : ")[1].split(" envoyé")[0]) for o, _ in outs) == len(due)
    assert automatic(demo_store) == []  # nothing left to send


def test_a_failure_is_said_per_debtor_and_the_step_stays_in_the_agenda(store, tmp_path) -> None:
    ok = add_debtor(store, "Garage Dupont")
    add_invoice(store, ok, "FA-1", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 100_000)
    add_contact(store, ok, "compta@dupont.fr")
    without = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, without, "FA-2", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 50_000)
    mailer = Mailer(SmtpSettings(), "relances@cabinet.fr", tmp_path / "outbox")
    results = send_plan_emails(store, automatic(store), mailer=mailer, templates=Templates(None), agent="Marie",
                               office=OFFICE, today=TODAY)
    by_name = {r.name: r for r in results}
    assert by_name["Garage Dupont"].status == "outbox" and by_name["Garage Dupont"].message_id
    assert by_name["Boulangerie Martin"].status == "failed"
    assert "aucune adresse email" in by_name["Boulangerie Martin"].message
    left = automatic(store)
    assert [i.name for i in left] == ["Boulangerie Martin"] and not left[0].claimed_by  # to retry, not held
    sent = email.message_from_bytes(next((tmp_path / "outbox").iterdir()).read_bytes(), policy=email.policy.default)
    text = body(sent)
    assert sent["Subject"] == "Facture échue — Garage Dupont"
    assert "FA-1 du 01/11/2026, échue le 18/11/2026 : 1 000,00 € restant dû\n" in text and "restant dus" not in text
    assert "indemnité forfaitaire pour frais de recouvrement de 40 € par facture (C. com. art. L441-10)" in text
    event = store.conn.execute("SELECT kind, data FROM events WHERE debtor_id = ? AND kind = 'email'", [ok]).fetchone()
    assert '"plan_step": "reminder"' in event[1] and sent["Message-ID"] in event[1]


def test_the_belgian_first_reminder_states_what_the_law_asks(store, tmp_path) -> None:
    d = add_debtor(store, "Jan Peeters", segment="b2c", country="BE")
    add_invoice(store, d, "FA-9", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 40_000)
    add_contact(store, d, "jan@peeters.be")
    mailer = Mailer(SmtpSettings(), "relances@cabinet.fr", tmp_path / "outbox")
    items = [i for i in automatic(store) if i.debtor_id == d]
    assert items[0].state.next.key == "first_reminder"
    refused = send_plan_emails(store, items, mailer=mailer, templates=Templates(None), agent="Marie",
                               office=OFFICE, today=TODAY)
    assert refused[0].status == "failed" and "[office] enterprise_number manquant" in refused[0].message
    office = OfficeSettings(name="Cabinet Dupuis", enterprise_number="0403.170.701", country="FR",
                            be_consumer_damage_clause=True)
    sent = send_plan_emails(store, automatic(store), mailer=mailer, templates=Templates(None), agent="Marie",
                            office=office, today=TODAY)
    assert [r.status for r in sent] == ["outbox"]
    text = body(email.message_from_bytes(next((tmp_path / "outbox").iterdir()).read_bytes(),
                                         policy=email.policy.default))
    # sent by email on Monday 23/11/2026: the 14 days run from the 24th to Monday 7 December (CDE XIX.2)
    assert "Ce premier rappel est gratuit" in text and "jusqu'au 07/12/2026 inclus" in text
    assert "Solde restant dû : 400,00 €" in text
    assert "une indemnité de 55,00 €" in text  # 30 € + 10 % of (400 - 150) (CDE XIX.4 scale)
    assert "numéro d'entreprise 0403.170.701" in text
    assert store.conn.execute("SELECT kind, channel FROM legal_acts WHERE debtor_id = ?", [d]).fetchall() == [
        ("first_reminder", "email")]


def test_at_most_so_many_a_minute_and_retries_before_failing(store, tmp_path, smtp_server) -> None:  # noqa: F811
    port, received = smtp_server
    for n in range(3):
        d = add_debtor(store, f"Client {n}")
        add_invoice(store, d, f"FA-{n}", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 10_000)
        add_contact(store, d, f"c{n}@client.fr")
    slept: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    mailer = Mailer(SmtpSettings(host="127.0.0.1", port=port, security="none"), "relances@cabinet.fr",
                    tmp_path / "outbox", per_minute=2, sleep=sleep, clock=lambda: now[0])
    results = send_plan_emails(store, automatic(store), mailer=mailer, templates=Templates(None), agent="Marie",
                               office=OFFICE, today=TODAY)
    assert [r.status for r in results] == ["sent"] * 3 and len(received) == 3
    assert slept == [60.0]  # the third waited for the minute of the first to pass
    # a server that does not answer: three tries, two waits, then failed and back in the agenda
    d = add_debtor(store, "Client 9")
    add_invoice(store, d, "FA-9", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 10_000)
    add_contact(store, d, "c9@client.fr")
    slept.clear()
    down = Mailer(SmtpSettings(host="127.0.0.1", port=free_port(), security="none"), "relances@cabinet.fr",
                  tmp_path / "outbox", sleep=sleep, clock=lambda: now[0])
    failed = send_plan_emails(store, automatic(store), mailer=down, templates=Templates(None), agent="Marie",
                              office=OFFICE, today=TODAY)
    assert [r.status for r in failed] == ["failed"] and slept == [2.0, 4.0]
    assert [i.name for i in automatic(store)] == ["Client 9"]
    assert debtor_plans(store.conn, TODAY, debtor_ids=[d])[0].claimed_by == ""


def test_the_balance_stated_and_the_indemnity_are_net_of_credit_notes(store, tmp_path) -> None:
    d = add_debtor(store, "Jan Peeters", segment="b2c", country="BE")
    add_invoice(store, d, "FA-9", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 60_000)
    add_invoice(store, d, "AV-1", dt.date(2026, 11, 2), dt.date(2026, 11, 2), -50_000)  # a credit note, unapplied
    add_contact(store, d, "jan@peeters.be")
    office = OfficeSettings(name="Cabinet Dupuis", enterprise_number="0403.170.701", be_consumer_damage_clause=True)
    mailer = Mailer(SmtpSettings(), "relances@cabinet.fr", tmp_path / "outbox")
    sent = send_plan_emails(store, automatic(store), mailer=mailer, templates=Templates(None), agent="Marie",
                            office=office, today=TODAY)
    assert [r.status for r in sent] == ["outbox"]
    text = body(email.message_from_bytes(next((tmp_path / "outbox").iterdir()).read_bytes(),
                                         policy=email.policy.default))
    assert "Avoirs non encore imputés, déduits : 500,00 €" in text
    assert "Solde restant dû : 100,00 €" in text
    assert "une indemnité de 20,00 €" in text  # the scale on 100 €, not on 600 € (70 €): CDE XIX.4


def test_time_barred_invoices_neither_set_the_level_nor_are_claimed(store) -> None:
    d = add_debtor(store, "Julie Martin", segment="b2c")  # a French consumer: 2 years (C. conso L218-2)
    add_invoice(store, d, "FA-OLD", dt.date(2023, 3, 1), dt.date(2023, 3, 31), 80_000)  # barred since 03/2025
    recent = add_invoice(store, d, "FA-NEW", dt.date(2026, 10, 20), dt.date(2026, 11, 19), 20_000)
    item = debtor_plans(store.conn, TODAY, debtor_ids=[d])[0]
    assert item.oldest_invoice_id == recent and item.invoice_ids == (recent,)
    assert item.state.next.key == "reminder"  # 4 days late on the recent one: not a notice for 2023's


def test_send_is_for_today_only(store, capsys) -> None:
    from tests.test_cli import run

    code, _, err = run(capsys, "--db", str(store.path), "plan", "run", "--send", "--date", "2026-11-05")
    assert code == 1 and "--send envoie aujourd'hui : --date 05/11/2026 ne vaut qu'avec --dry-run" in err


def test_a_claim_left_by_a_crash_is_taken_again_after_half_an_hour(store) -> None:
    from relance_tui.store.plan_steps import claim_step

    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 100_000)
    assert claim_step(store, d, "reminder", today=TODAY) is not None  # then the process died
    assert claim_step(store, d, "reminder", today=TODAY) is None
    store.conn.execute("UPDATE plan_steps SET at = '2026-01-01T00:00:00Z'")  # 31 minutes later, and more
    assert claim_step(store, d, "reminder", today=TODAY) is not None


def test_a_thank_you_states_the_payment_goes_once_and_a_failure_leaves_it_proposed(store, tmp_path,
                                                                                  smtp_server) -> None:  # noqa: F811
    from relance_tui.store.agenda import thanks_due
    from tests.store.test_agenda import chased_and_paid

    port, received = smtp_server
    d, _ = chased_and_paid(store)
    [row] = thanks_due(store.conn, TODAY)
    # no address yet: said, and still proposed (not held by a claim)
    outbox = Mailer(SmtpSettings(), "relances@cabinet.fr", tmp_path / "outbox")
    [failed] = send_plan_emails(store, [row], mailer=outbox, templates=Templates(None), agent="Marie", office=OFFICE,
                                today=TODAY)
    assert failed.status == "failed" and "aucune adresse email" in failed.message
    assert [r.claimed_by for r in thanks_due(store.conn, TODAY)] == [""]
    add_contact(store, d, "compta@dupont.fr")
    mailer = Mailer(SmtpSettings(host="127.0.0.1", port=port, security="none"), "relances@cabinet.fr",
                    tmp_path / "outbox")
    [sent] = send_plan_emails(store, [row], mailer=mailer, templates=Templates(None), agent="Marie", office=OFFICE,
                              today=TODAY)
    assert sent.status == "sent" and len(received) == 1
    msg = received[0]
    assert msg["To"] == "compta@dupont.fr" and msg["Subject"] == "Merci pour votre règlement — Garage Dupont"
    assert "votre règlement de 1 000,00 € du 20/11/2026, qui solde votre compte" in body(msg)
    # the same row pressed again (another agent's stale screen): skipped, nothing sent twice
    [again] = send_plan_emails(store, [row], mailer=mailer, templates=Templates(None), agent="Marie", office=OFFICE,
                               today=TODAY)
    assert again.status == "skipped" and len(received) == 1 and thanks_due(store.conn, TODAY) == []


def test_an_email_sent_whose_step_cannot_be_recorded_is_never_sent_again(store, tmp_path, monkeypatch) -> None:
    import relance_tui.io.plan_send as plan_send
    from relance_tui.store.plan_steps import claim_step

    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 100_000)
    add_contact(store, d, "compta@dupont.fr")

    def refuse(*args, **kwargs):
        raise RuntimeError("refusé")

    monkeypatch.setattr(plan_send, "record_step", refuse)
    mailer = Mailer(SmtpSettings(), "relances@cabinet.fr", tmp_path / "outbox")
    [result] = send_plan_emails(store, automatic(store), mailer=mailer, templates=Templates(None), agent="Marie",
                                office=OFFICE, today=TODAY)
    assert result.failed and "mais non enregistré : refusé" in result.message
    assert "il ne partira pas une seconde fois" in result.message
    assert store.conn.execute("SELECT status FROM plan_steps WHERE debtor_id = ?", [d]).fetchall() == [("done",)]
    notes = store.conn.execute("SELECT notes FROM events WHERE debtor_id = ? AND kind = 'email'", [d]).fetchone()[0]
    assert notes.startswith("Email envoyé à compta@dupont.fr : Facture échue — Garage Dupont")
    store.conn.execute("UPDATE plan_steps SET at = '2026-01-01T00:00:00Z'")  # long after: not a stale claim
    assert automatic(store) == []
    with pytest.raises(StaleEdit, match="n'est pas la prochaine"):  # done: the plan has moved on to the call
        claim_step(store, d, "reminder", today=TODAY)


def test_a_step_claimed_then_settled_meanwhile_is_still_recorded(store) -> None:
    from relance_tui.store.cards import record_payment
    from relance_tui.store.plan_steps import claim_step, record_step

    d = add_debtor(store, "Garage Dupont")
    inv = add_invoice(store, d, "FA-1", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 100_000)
    _, token = claim_step(store, d, "reminder", today=TODAY)
    record_payment(store, d, day=TODAY, amount_cents=100_000, today=TODAY)  # paid while the email was leaving
    done = record_step(store, d, "reminder", today=TODAY, claim=token, channel="email",
                       data={"to": "compta@dupont.fr", "subject": "Facture échue"})
    assert done.invoice_ids == (inv,)
    assert store.conn.execute("SELECT status FROM plan_steps WHERE claim = ?", [token]).fetchall() == [("done",)]


def test_an_email_sent_whose_claim_was_dropped_meanwhile_is_still_never_sent_again(store, tmp_path,
                                                                                  monkeypatch) -> None:
    import relance_tui.io.plan_send as plan_send
    from relance_tui.store.plan_steps import release_claim

    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 100_000)
    add_contact(store, d, "compta@dupont.fr")

    def claim_gone_then_refuse(store_, debtor_id, step, *, claim, **kwargs):  # noqa: ANN001
        release_claim(store_, claim)  # dropped as stale by another run while the email was leaving
        raise StaleEdit("l'étape réservée n'est plus à ce poste")

    monkeypatch.setattr(plan_send, "record_step", claim_gone_then_refuse)
    mailer = Mailer(SmtpSettings(), "relances@cabinet.fr", tmp_path / "outbox")
    [result] = send_plan_emails(store, automatic(store), mailer=mailer, templates=Templates(None), agent="Marie",
                                office=OFFICE, today=TODAY)
    assert result.failed and "il ne partira pas une seconde fois" in result.message
    assert store.conn.execute("SELECT status FROM plan_steps WHERE debtor_id = ?", [d]).fetchall() == [("done",)]
    assert automatic(store) == []  # not proposed again


def test_an_email_step_attaches_the_document_its_plan_names(store, tmp_path) -> None:
    import dataclasses

    from relance_tui.domain.plan import BUILTIN_PLANS, PlanBook
    from relance_tui.io.documents import DocumentPlace
    from relance_tui.io.outputs import Protected

    plan = BUILTIN_PLANS["fr_b2b"]
    steps = tuple(dataclasses.replace(s, attach="statement") if s.key == "reminder" else s for s in plan.steps)
    book = PlanBook({**BUILTIN_PLANS, "fr_b2b": dataclasses.replace(plan, steps=steps)})
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 100_000)
    add_contact(store, d, "compta@dupont.fr")
    due = [i for i in agenda(store, TODAY, book=book) if i.channel == "email"]
    place = DocumentPlace(None, tmp_path / "documents", Protected(), 8)
    mailer = Mailer(SmtpSettings(), "relances@cabinet.fr", tmp_path / "outbox", documents=place)
    [sent] = send_plan_emails(store, due, mailer=mailer, templates=Templates(None), agent="Marie", office=OFFICE,
                              today=TODAY, book=book)
    assert sent.status == "outbox", sent.message
    msg = email.message_from_bytes(next((tmp_path / "outbox").iterdir()).read_bytes(), policy=email.policy.default)
    [pdf] = [part for part in msg.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename().startswith(f"{TODAY.isoformat()}-statement-{d}-")
    assert list((tmp_path / "documents").glob("*.pdf"))  # kept, and on the timeline
    assert store.conn.execute("SELECT COUNT(*) FROM events WHERE debtor_id = ? AND outcome = 'document'",
                              [d]).fetchone()[0] == 1
    # no documents folder given: said for that debtor, the step left to try again
    d2 = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, d2, "FA-2", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 50_000)
    add_contact(store, d2, "compta@martin.fr")
    due = [i for i in agenda(store, TODAY, book=book) if i.channel == "email"]
    [failed] = send_plan_emails(store, due, mailer=dataclasses.replace(mailer, documents=None),
                                templates=Templates(None), agent="Marie", office=OFFICE, today=TODAY, book=book)
    assert failed.failed and "le plan joint « statement »" in failed.message
