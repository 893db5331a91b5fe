"""Follow-up emails: built from a template, sent by SMTP or written to an outbox as ``.eml``."""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import re
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as DEFAULT_POLICY
from email.utils import format_datetime, make_msgid
from pathlib import Path

from relance_tui.errors import MailError
from relance_tui.store.cards import invoice_attachments
from relance_tui.store.connection import Store
from relance_tui.store.queries import append_event

SMTP_TIMEOUT_S = 20
# Never in a header: a line break would start another header (``Bcc:``), any other control character
# has no business there either (C0, DEL, C1, the Unicode line and paragraph separators).
_NOT_IN_HEADER = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class Draft:
    """An email the agent can still edit before it goes."""

    debtor_id: int
    kind: str  # recap (after a call) or invoice (resend invoices not received)
    to: str
    subject: str
    body: str
    attachments: list[Path] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)
    missing_attachments: list[str] = field(default_factory=list)  # invoices whose file is not found


@dataclass(frozen=True)
class Delivery:
    via: str  # smtp or outbox
    where: str  # the server, or the .eml file
    message_id: str


def header_line(text: str) -> str:
    """Text from data (a template's subject, a contact's address, a file name) made fit for a header:
    line breaks and control characters become spaces. What the agent types is checked instead
    (``check_draft``): it is refused with a message, not changed behind their back."""
    return " ".join(_NOT_IN_HEADER.sub(" ", text).split())


def parse_address(text: str, what: str) -> Address:
    """Exactly one address (``nom@domaine`` or ``Nom <nom@domaine>``), or a MailError naming ``what``."""
    text = text.strip()
    if _NOT_IN_HEADER.search(text):
        raise MailError(f"{what} invalide : « {header_line(text)} » contient un retour à la ligne ou un "
                        "caractère de contrôle")
    try:
        header = DEFAULT_POLICY.header_factory("To", text)
        addresses, defects, groups = header.addresses, header.defects, header.groups
    except Exception:  # noqa: BLE001 - the parser's own errors (IndexError on "a@"): not an address
        addresses, defects, groups = (), (), ()
    if len(addresses) > 1:
        raise MailError(f"{what} invalide : une seule adresse par email (« {text} »)")
    if (len(addresses) != 1 or defects or any(g.display_name is not None for g in groups)
            or not addresses[0].username or not addresses[0].domain):
        raise MailError(f"{what} invalide : « {text} »")
    return addresses[0]


def check_draft(draft: Draft) -> Address:
    """The recipient and subject as the agent left them: a clear refusal before anything is built."""
    to = parse_address(draft.to, "adresse du destinataire")
    if _NOT_IN_HEADER.search(draft.subject.strip()):
        raise MailError("objet invalide : il contient un retour à la ligne ou un caractère de contrôle "
                        "(un objet tient sur une ligne)")
    return to


def build_message(draft: Draft, *, sender: str, now: dt.datetime) -> EmailMessage:
    to = check_draft(draft)
    if not sender or "@" not in sender:
        raise MailError("expéditeur manquant : renseignez [smtp] sender (ou [office] email) dans relance.toml")
    sender_address = parse_address(sender, "expéditeur ([smtp] sender ou [office] email de relance.toml)")
    msg = EmailMessage(policy=DEFAULT_POLICY)
    msg["From"] = sender_address
    msg["To"] = to
    msg["Subject"] = draft.subject.strip()
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=sender_address.domain)
    msg.set_content(draft.body)
    for path in draft.attachments:
        ctype, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (ctype or "application/octet-stream").split("/", 1)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MailError(f"pièce jointe illisible : {path} ({exc.strerror})") from None
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=header_line(path.name) or "piece")
    return msg


def send_smtp(msg: EmailMessage, smtp) -> str:  # noqa: ANN001 - config.SmtpSettings
    """Send through the office's server; every failure is a MailError saying what happened."""
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password)
            refused = client.send_message(msg)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"le serveur {where} refuse l'identifiant {smtp.user!r} ({exc.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"destinataire refusé par {where} : {', '.join(exc.recipients)}") from None
    except smtplib.SMTPException as exc:
        raise MailError(f"le serveur {where} a refusé l'email ({exc})") from None
    except (OSError, ssl.SSLError) as exc:
        raise MailError(f"serveur d'envoi {where} injoignable ({exc})") from None
    if refused:
        raise MailError(f"{'destinataires refusés' if len(refused) > 1 else 'destinataire refusé'} par {where} : "
                        f"{', '.join(refused)}")
    return where


def write_outbox(msg: EmailMessage, outbox: Path, *, debtor_id: int, now: dt.datetime) -> Path:
    """Write the message as an .eml file (atomically: a half-written file never shows up)."""
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{now:%Y%m%d-%H%M%S}-debiteur{debtor_id}-{uuid.uuid4().hex[:8]}.eml"
        tmp = path.with_suffix(".eml.tmp")
        tmp.write_bytes(bytes(msg))
        os.replace(tmp, path)
    except OSError as exc:
        raise MailError(f"impossible d'écrire dans la boîte d'envoi {outbox} ({exc.strerror})") from None
    return path


def deliver(store: Store, draft: Draft, *, smtp, sender: str, outbox: Path) -> Delivery:  # noqa: ANN001
    """Send (SMTP when configured, else the outbox) and log the email in the debtor's timeline."""
    now = store.clock()
    if not sender and not smtp.host:
        sender = f"{store.agent}@{socket.gethostname()}"  # the outbox needs a From; SMTP needs a real one
    msg = build_message(draft, sender=sender, now=now)
    if smtp.host:
        via, where = "smtp", send_smtp(msg, smtp)
    else:
        via, where = "outbox", str(write_outbox(msg, outbox, debtor_id=draft.debtor_id, now=now))
    delivery = Delivery(via, where, msg["Message-ID"])
    label = {"recap": "Récapitulatif d'appel", "invoice": "Renvoi de facture"}.get(draft.kind, "Email")
    store.write(lambda db: append_event(
        db, at=store.now(), agent=store.agent, kind="email", debtor_id=draft.debtor_id, direction="out",
        outcome="sent" if via == "smtp" else "outbox",
        notes=f"{label} à {draft.to} : {draft.subject}" + ("" if via == "smtp" else " (boîte d'envoi)"),
        data={"to": draft.to, "subject": draft.subject, "message_id": delivery.message_id, "via": via,
              "where": where, "template": draft.kind, "attachments": [p.name for p in draft.attachments]},
        invoice_ids=draft.invoice_ids), what="enregistrement de l'email")
    return delivery


def invoice_files(store: Store, invoice_ids: list[int]) -> list[tuple[int, str, Path | None, str | None]]:
    """(id, number, file found, path recorded) of these invoices; a relative path is taken from the
    database's folder."""
    out = []
    for inv_id, number, path in invoice_attachments(store, invoice_ids):
        file = None
        if path:
            candidate = Path(path) if os.path.isabs(path) else store.path.parent / path
            file = candidate if candidate.is_file() else None
        out.append((inv_id, number, file, path))
    return out


def make_draft(templates, context: dict, *, kind: str, debtor_id: int, to: str,  # noqa: ANN001
               files: list[tuple[int, str, Path | None, str | None]]) -> tuple[Draft, list[str]]:
    """Render the ``email/<kind>.txt.j2`` template in the debtor's language (``lang`` in ``context``, from
    io/callscript.call_context); returns the draft and template problems."""
    attachments = [f for _, _, f, _ in files if f is not None]
    rendered = templates.render(f"email/{kind}.txt.j2", {**context, "attachments": [p.name for p in attachments]},
                                lang=context.get("lang"))
    # both come from data (a contact's address, a debtor's name in the subject): one line each
    draft = Draft(debtor_id=debtor_id, kind=kind, to=header_line(to),
                  subject=header_line(str(rendered.meta.get("subject", "Relance"))),
                  body=rendered.body, attachments=attachments, invoice_ids=[i for i, _, _, _ in files],
                  missing_attachments=[n for _, n, f, recorded in files if f is None and recorded])
    return draft, rendered.problems
