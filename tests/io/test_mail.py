import email
import email.policy
import socket

import pytest

from relance_tui.config import SmtpSettings
from relance_tui.errors import MailError
from relance_tui.io.mail import Draft, deliver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            received.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                     policy=email.policy.default))
            return "250 OK"

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


@pytest.fixture
def draft(demo_store, tmp_path):
    debtor = demo_store.db.execute("SELECT id FROM debtors LIMIT 1").fetchone()[0]
    invoice = demo_store.db.execute("SELECT id FROM invoices WHERE debtor_id = ? LIMIT 1", [debtor]).fetchone()[0]
    pdf = tmp_path / "FA-1.pdf"
    pdf.write_bytes(b"%PDF-1.4 facture")
    return Draft(debtor_id=debtor, kind="recap", to="compta@client.fr", subject="Suite à notre appel",
                 body="Bonjour,\nvous réglez 250,00 € le 12/12/2026.\n", attachments=[pdf], invoice_ids=[invoice])


def test_an_email_really_sent_to_an_smtp_server_and_logged(demo_store, draft, smtp_server):
    port, received = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none")
    delivery = deliver(demo_store, draft, smtp=smtp, sender="recouvrement@acme.fr", outbox=demo_store.path.parent)
    assert delivery.via == "smtp"
    assert len(received) == 1
    msg = received[0]
    assert msg["To"] == "compta@client.fr" and msg["From"] == "recouvrement@acme.fr"
    assert msg["Subject"] == "Suite à notre appel" and msg["Message-ID"] == delivery.message_id
    parts = list(msg.walk())
    body = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "250,00 € le 12/12/2026" in body
    attachment = next(p for p in parts if p.get_filename() == "FA-1.pdf")
    assert attachment.get_payload(decode=True) == b"%PDF-1.4 facture"
    row = demo_store.db.execute("SELECT kind, direction, outcome, notes, data FROM events ORDER BY id DESC LIMIT 1"
                                ).fetchone()
    assert row[:3] == ("email", "out", "sent") and "compta@client.fr" in row[3] and delivery.message_id in row[4]


def test_without_smtp_an_eml_lands_in_the_outbox(demo_store, draft, tmp_path):
    outbox = tmp_path / "outbox"
    delivery = deliver(demo_store, draft, smtp=SmtpSettings(), sender="recouvrement@acme.fr", outbox=outbox)
    files = list(outbox.glob("*.eml"))
    assert delivery.via == "outbox" and [str(f) for f in files] == [delivery.where]
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["Subject"] == "Suite à notre appel" and msg["To"] == "compta@client.fr"
    assert "250,00 € le 12/12/2026" in msg.get_body(("plain",)).get_content()
    assert [p.get_filename() for p in msg.iter_attachments()] == ["FA-1.pdf"]
    assert not list(outbox.glob("*.tmp"))
    assert demo_store.db.execute("SELECT outcome FROM events ORDER BY id DESC LIMIT 1").fetchone()[0] == "outbox"


def test_an_unreachable_server_is_reported_and_nothing_is_logged(demo_store, draft):
    before = demo_store.db.execute("SELECT MAX(id) FROM events").fetchone()[0]
    smtp = SmtpSettings(host="127.0.0.1", port=free_port(), security="none")
    with pytest.raises(MailError, match="injoignable"):
        deliver(demo_store, draft, smtp=smtp, sender="recouvrement@acme.fr", outbox=demo_store.path.parent)
    assert demo_store.db.execute("SELECT MAX(id) FROM events").fetchone()[0] == before


@pytest.mark.parametrize(("to", "sender", "message"), [
    ("pas-une-adresse", "a@b.fr", "destinataire invalide"),
    ("x@y.fr", "", "expéditeur manquant"),
])
def test_bad_addresses_are_refused_with_a_reason(demo_store, draft, to, sender, message):
    draft.to = to
    with pytest.raises(MailError, match=message):
        deliver(demo_store, draft, smtp=SmtpSettings(host="127.0.0.1", port=1), sender=sender,
                outbox=demo_store.path.parent)
