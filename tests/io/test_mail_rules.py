"""The follow-up email's rules (io/mail) without a server: headers from data, what is refused and how it is
said, each SMTP failure's message, the outbox's file, the event on the timeline (issue 14's survivors)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import smtplib
import socket

import pytest

from relance_tui.config import SmtpSettings
from relance_tui.errors import MailError
from relance_tui.io import mail
from relance_tui.io.mail import (
    Draft,
    build_message,
    deliver,
    header_line,
    invoice_files,
    parse_address,
    send_smtp,
    write_outbox,
)

NOW = dt.datetime(2026, 11, 23, 9, 30, 5, tzinfo=dt.timezone.utc)


def a_draft(**kw) -> Draft:
    values = {"debtor_id": 3, "kind": "recap", "to": "compta@client.fr", "subject": "Suite à notre appel",
              "body": "Bonjour,\n"}
    values.update(kw)
    return Draft(**values)


@pytest.mark.parametrize(("text", "line"), [
    ("Garage\nDupont", "Garage Dupont"),
    ("Garage\r\nBcc: x@y.fr", "Garage Bcc: x@y.fr"),
    ("a\x00b\x1fc\x7fd\x85e\x9ff", "a b c d e f"),
    ("a\u2028b\u2029c", "a b c"),
    ("  deux   espaces\t ", "deux espaces"),
    ("Crêperie « Léon »", "Crêperie « Léon »"),
])
def test_a_header_from_data_is_one_line_of_text(text, line):
    assert header_line(text) == line


def test_an_address_alone_or_with_a_name_is_read():
    plain = parse_address("  compta@client.fr ", "adresse")
    assert (plain.username, plain.domain, plain.display_name) == ("compta", "client.fr", "")
    named = parse_address("Service Compta <compta@client.fr>", "adresse")
    assert (named.username, named.domain, named.display_name) == ("compta", "client.fr", "Service Compta")


@pytest.mark.parametrize(("text", "message"), [
    ("a@b.fr\nBcc: c@d.fr", "adresse invalide : « a@b.fr Bcc: c@d.fr » contient un retour à la ligne ou un "
                            "caractère de contrôle"),
    ("a@b\x85.fr", "adresse invalide : « a@b .fr » contient un retour à la ligne ou un caractère de contrôle"),
    ("a@b.fr, c@d.fr", "adresse invalide : une seule adresse par email (« a@b.fr, c@d.fr »)"),
    ("pas-une-adresse", "adresse invalide : « pas-une-adresse »"),
    ("a@", "adresse invalide : « a@ »"),
    ("@b.fr", "adresse invalide : « @b.fr »"),
    ("", "adresse invalide : «  »"),
    ("Équipe: a@b.fr;", "adresse invalide : « Équipe: a@b.fr; »"),
])
def test_anything_but_one_address_is_refused_saying_what(text, message):
    with pytest.raises(MailError) as err:
        parse_address(text, "adresse")
    assert str(err.value) == message


def test_a_subject_on_two_lines_is_refused_but_its_trailing_spaces_are_not():
    with pytest.raises(MailError) as err:
        build_message(a_draft(subject="Relance\nBcc: x@y.fr"), sender="relances@cabinet.fr", now=NOW)
    assert str(err.value) == ("objet invalide : il contient un retour à la ligne ou un caractère de contrôle "
                              "(un objet tient sur une ligne)")
    msg = build_message(a_draft(subject="  Relance \n"), sender="relances@cabinet.fr", now=NOW)
    assert msg["Subject"] == "Relance"


@pytest.mark.parametrize(("sender", "message"), [
    ("", "expéditeur manquant : renseignez [smtp] sender (ou [office] email) dans relance.toml"),
    ("relances", "expéditeur manquant : renseignez [smtp] sender (ou [office] email) dans relance.toml"),
    ("a@b.fr, c@d.fr", "expéditeur ([smtp] sender ou [office] email de relance.toml) invalide : une seule adresse "
                       "par email (« a@b.fr, c@d.fr »)"),
])
def test_a_missing_or_bad_sender_names_the_setting(sender, message):
    with pytest.raises(MailError) as err:
        build_message(a_draft(), sender=sender, now=NOW)
    assert str(err.value) == message


def test_the_message_s_headers_and_attachments(tmp_path):
    pdf, other, odd = tmp_path / "FA-1.pdf", tmp_path / "releve.zzz", tmp_path / "ligne\x85cachée.pdf"
    for path in (pdf, other, odd):
        path.write_bytes(b"%PDF-1.4")
    msg = build_message(a_draft(to="Compta <compta@client.fr>", attachments=[pdf, other, odd]),
                        sender="Cabinet Dupuis <relances@cabinet.fr>", now=NOW)
    assert msg["From"] == "Cabinet Dupuis <relances@cabinet.fr>" and msg["To"] == "Compta <compta@client.fr>"
    assert msg["Subject"] == "Suite à notre appel" and msg["Date"] == "Mon, 23 Nov 2026 09:30:05 +0000"
    assert msg["Message-ID"].endswith("@cabinet.fr>")
    parts = [(p.get_content_type(), p.get_filename()) for p in msg.iter_attachments()]
    assert parts == [("application/pdf", "FA-1.pdf"), ("application/octet-stream", "releve.zzz"),
                     ("application/pdf", "ligne cachée.pdf")]
    assert msg.get_body(("plain",)).get_content() == "Bonjour,\n"


def test_an_attachment_that_cannot_be_read_is_said(tmp_path):
    gone = tmp_path / "FA-9.pdf"
    with pytest.raises(MailError) as err:
        build_message(a_draft(attachments=[gone]), sender="relances@cabinet.fr", now=NOW)
    assert str(err.value) == f"pièce jointe illisible : {gone} (No such file or directory)"


class FakeSMTP:
    """Stands for smtplib.SMTP / SMTP_SSL: records what was asked, raises what the test says."""

    calls: list = []
    raises: Exception | None = None
    refused: dict = {}

    def __init__(self, host, port, timeout, context=None):
        FakeSMTP.calls.append(("open", type(self).__name__, host, port, timeout, context is not None))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context):
        FakeSMTP.calls.append(("starttls",))

    def login(self, user, password):
        FakeSMTP.calls.append(("login", user, password))

    def send_message(self, msg):
        if FakeSMTP.raises is not None:
            raise FakeSMTP.raises
        FakeSMTP.calls.append(("send", msg["To"]))
        return FakeSMTP.refused


class FakeSSL(FakeSMTP):
    pass


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.calls, FakeSMTP.raises, FakeSMTP.refused = [], None, {}
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSSL)
    return FakeSMTP


def message() -> email.message.EmailMessage:
    return build_message(a_draft(), sender="relances@cabinet.fr", now=NOW)


def test_starttls_then_login_then_send(fake_smtp):
    where = send_smtp(message(), SmtpSettings(host="smtp.cabinet.fr", port=587, user="marie", password="s3cret"))
    assert where == "smtp.cabinet.fr:587"
    assert fake_smtp.calls == [("open", "FakeSMTP", "smtp.cabinet.fr", 587, mail.SMTP_TIMEOUT_S, False),
                               ("starttls",), ("login", "marie", "s3cret"), ("send", "compta@client.fr")]
    assert mail.SMTP_TIMEOUT_S == 20


def test_implicit_tls_opens_an_ssl_connection_and_no_login_without_a_user(fake_smtp):
    send_smtp(message(), SmtpSettings(host="smtp.cabinet.fr", port=465, security="tls"))
    assert fake_smtp.calls == [("open", "FakeSSL", "smtp.cabinet.fr", 465, 20, True), ("send", "compta@client.fr")]


def test_no_security_neither_starts_tls_nor_logs_in_without_a_user(fake_smtp):
    send_smtp(message(), SmtpSettings(host="127.0.0.1", port=25, security="none"))
    assert fake_smtp.calls == [("open", "FakeSMTP", "127.0.0.1", 25, 20, False), ("send", "compta@client.fr")]


@pytest.mark.parametrize(("raised", "said"), [
    (smtplib.SMTPAuthenticationError(535, b"bad"), "le serveur smtp.cabinet.fr:587 refuse l'identifiant 'marie' (535)"),
    (smtplib.SMTPRecipientsRefused({"a@b.fr": (550, b"no"), "c@d.fr": (550, b"no")}),
     "destinataire refusé par smtp.cabinet.fr:587 : a@b.fr, c@d.fr"),
    (smtplib.SMTPDataError(554, "spam"), "le serveur smtp.cabinet.fr:587 a refusé l'email ((554, 'spam'))"),
    (ConnectionRefusedError(111, "Connection refused"),
     "serveur d'envoi smtp.cabinet.fr:587 injoignable ([Errno 111] Connection refused)"),
    (socket.timeout("timed out"), "serveur d'envoi smtp.cabinet.fr:587 injoignable (timed out)"),
])
def test_each_smtp_failure_says_what_happened(fake_smtp, raised, said):
    fake_smtp.raises = raised
    with pytest.raises(MailError) as err:
        send_smtp(message(), SmtpSettings(host="smtp.cabinet.fr", user="marie", password="x"))
    assert str(err.value) == said


@pytest.mark.parametrize(("refused", "said"), [
    ({"a@b.fr": (550, b"no")}, "destinataire refusé par smtp.cabinet.fr:587 : a@b.fr"),
    ({"a@b.fr": (550, b"no"), "c@d.fr": (550, b"no")},
     "destinataires refusés par smtp.cabinet.fr:587 : a@b.fr, c@d.fr"),
])
def test_recipients_the_server_set_aside_are_a_failure(fake_smtp, refused, said):
    fake_smtp.refused = refused
    with pytest.raises(MailError) as err:
        send_smtp(message(), SmtpSettings(host="smtp.cabinet.fr"))
    assert str(err.value) == said


def test_the_outbox_file_is_named_by_time_and_debtor_and_left_whole(tmp_path):
    path = write_outbox(message(), tmp_path / "sortie" / "emails", debtor_id=42, now=NOW)
    assert path.parent == tmp_path / "sortie" / "emails"
    assert path.name.startswith("20261123-093005-debiteur42-") and path.suffix == ".eml"
    assert len(path.name) == len("20261123-093005-debiteur42-") + 8 + len(".eml")
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no .tmp left behind
    assert email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["To"] == "compta@client.fr"


def test_an_outbox_that_cannot_be_written_is_said(tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    with pytest.raises(MailError) as err:
        write_outbox(message(), blocker / "emails", debtor_id=1, now=NOW)
    assert str(err.value) == f"impossible d'écrire dans la boîte d'envoi {blocker / 'emails'} (Not a directory)"


@pytest.mark.parametrize(("kind", "label"), [("recap", "Récapitulatif d'appel"), ("invoice", "Renvoi de facture"),
                                             ("autre", "Email")])
def test_an_email_left_in_the_outbox_is_on_the_timeline_with_its_kind(demo_store, tmp_path, kind, label):
    debtor = demo_store.db.execute("SELECT id FROM debtors LIMIT 1").fetchone()[0]
    draft = a_draft(debtor_id=debtor, kind=kind)
    delivery = deliver(demo_store, draft, smtp=SmtpSettings(), sender="", outbox=tmp_path / "sortie")
    assert delivery.via == "outbox" and delivery.where.startswith(str(tmp_path / "sortie"))
    sent = email.message_from_bytes(open(delivery.where, "rb").read(), policy=email.policy.default)
    assert sent["From"] == f"{demo_store.agent}@{socket.gethostname()}"  # no sender set: the agent on this host
    event = demo_store.db.execute("SELECT kind, direction, outcome, notes, agent FROM events ORDER BY id DESC "
                                  "LIMIT 1").fetchone()
    assert event == ("email", "out", "outbox", f"{label} à compta@client.fr : Suite à notre appel (boîte d'envoi)",
                     demo_store.agent)


def test_an_invoice_s_file_is_found_beside_the_base_or_where_it_says(demo_store, tmp_path):
    ids = [r[0] for r in demo_store.db.execute("SELECT id FROM invoices ORDER BY id LIMIT 4")]
    numbers = dict(demo_store.db.execute("SELECT id, number FROM invoices WHERE id IN (?, ?, ?, ?)", ids))
    beside = demo_store.path.parent / "factures" / "a.pdf"
    beside.parent.mkdir(exist_ok=True)
    beside.write_bytes(b"%PDF")
    absolute = tmp_path / "b.pdf"
    absolute.write_bytes(b"%PDF")
    paths = ["factures/a.pdf", str(absolute), "factures/absente.pdf", None]

    def set_paths(db):
        for invoice, path in zip(ids, paths, strict=True):
            db.execute("UPDATE invoices SET attachment_path = ? WHERE id = ?", [path, invoice])
    demo_store.write(set_paths)
    found = invoice_files(demo_store, ids)
    expected = {ids[0]: (beside, "factures/a.pdf"), ids[1]: (absolute, str(absolute)),
                ids[2]: (None, "factures/absente.pdf"), ids[3]: (None, None)}
    assert found == sorted(((i, numbers[i], *expected[i]) for i in ids), key=lambda row: row[1])  # by number
