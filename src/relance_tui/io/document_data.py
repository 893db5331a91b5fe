"""The data a document prints (io/documents.py renders it): everything a template reads, as plain strings and
numbers, the amounts formatted here from the same figures the card and the call script show (store/cards,
io/callscript.call_context), so that a letter says to the cent what the agent says on the phone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from relance_tui.domain.language import DEFAULT_LANGUAGE, LANGUAGES, long_date, percent, short_date
from relance_tui.domain.law import court_step_in
from relance_tui.domain.money import format_cents, format_cents_in
from relance_tui.domain.penalties import PenaltyTerms, annual_rate
from relance_tui.domain.text import clean
from relance_tui.io.callscript import call_context, pick_contact
from relance_tui.io.document_words import (
    ACT_LABELS,
    CALL_OUTCOMES_IN,
    CHANNEL_LABELS,
    CONTACT_NOTES,
    DISPUTE_CATEGORIES_IN,
    EVENT_KINDS_NL,
    INSTALMENT_WORDS,
    PROMISE_STATUSES_IN,
    RATE_LABELS,
    TITLES,
    document_language,
    line_label,
    words,
)
from relance_tui.io.documents import (
    DOCUMENT_KINDS,
    DocumentError,
    DocumentPlace,
    Pdf,
    keep_document,
    render_documents,
    written_in,
)
from relance_tui.io.epc import epc_payload, epc_svg
from relance_tui.store.cards import debtor_card
from relance_tui.store.connection import Store
from relance_tui.store.documents import (
    account_lines,
    chronology,
    legal_acts_of,
    payment_plan,
    promise_terms,
    record_document,
)
from relance_tui.store.queries import load_rates

FORMAL_NOTICE_DAYS = 8  # the deadline a formal notice gives, by default ([documents] notice_days)


def document_data(store: Store, debtor_id: int, kind: str, *, office: Any, today: dt.date, agent: str,
                  invoice_ids: list[int] | None = None, notice_days: int = FORMAL_NOTICE_DAYS,
                  registered: bool | None = None, office_dir: Path | None = None,
                  in_french: bool = False) -> dict[str, Any]:
    """What the ``kind`` document of this debtor prints on ``today``; ``invoice_ids`` narrows the invoices
    claimed to those (a plan step's), else all its claimable ones (owed and not time-barred). ``office_dir``:
    the office's templates (a document of its own may exist in fewer languages); ``in_french``: the same
    document worded in French, for an agent's preview (``written_in`` still names its own language)."""
    rates = load_rates(store)
    card = debtor_card(store, debtor_id, as_of=today, rates=rates, country=getattr(office, "country", "FR"))
    context = call_context(card, agent=agent, office=office, today=today, contact=pick_contact(card))
    wanted = None if invoice_ids is None else set(invoice_ids)
    # what a letter may claim: open invoices already due (as the plan's steps), not contested, not time-barred
    claimed = [i for i in context["invoices"] if (wanted is None or i["id"] in wanted)
               and i["status"] == "open" and i["due_date"] <= today]
    regime_key = context["regime"]["key"]
    _check_creditor(office, kind, regime_key)
    if kind == "formal_notice" and regime_key == "be_b2c":
        claimed = _after_be_grace(card, claimed, today)
    if kind not in ("statement", "payment_plan") and not claimed:  # a plan names its own invoices (below)
        raise DocumentError(f"{clean(card.name)} : aucune facture à réclamer (réglées, contestées, pas encore "
                            "échues ou prescrites)")
    credit = min(context["unapplied_credit"] or 0, sum(i["due_cents"] for i in claimed))
    total = sum(i["due_cents"] for i in claimed) - credit
    values = [i["penalty_cents"] for i in claimed]
    penalties = None if any(v is None for v in values) else sum(values)
    # the debtor's language (a litigation file: the court's, French or Dutch; a document the office has in
    # fewer languages: one it has): every word and figure below in it
    written = written_in(kind, document_language(kind, card.writes_in, country=context["regime"]["country"],
                                                 postcode=card.postcode or ""), office_dir)
    lang = DEFAULT_LANGUAGE if in_french else written
    regime = {**context["regime"], "court_step": court_step_in(context["regime"]["court_step"], lang)}
    data: dict[str, Any] = {
        "kind": kind, "lang": lang, "written_in": written, "title": TITLES[lang].get(kind, ""), "date": long_date(today, lang),
        "agent": clean(agent), "place": clean(getattr(office, "city", "")),
        "registered": kind == "formal_notice" if registered is None else registered,  # by the plan step's channel
        "office": _office(office), "debtor": _debtor(card), "regime": regime,
        "invoices": [_invoice(i, lang) for i in claimed], "invoice_ids": [i["id"] for i in claimed],
        "credit": format_cents_in(credit, lang) if credit else "", "total_cents": total, "total": format_cents_in(total, lang),
        "penalties_cents": penalties,
        "penalties": "" if penalties is None or not penalties else format_cents_in(penalties, lang),
        "deadline": long_date(today + dt.timedelta(days=notice_days), lang),
        "partial_payments": any(i["due_cents"] < i["amount_cents"] for i in claimed),
        "reference": ", ".join(i["number"] for i in claimed)[:140],
        "rate": _rate(card, regime["key"], today, rates, lang),
        "first_reminder": "", "grace_end": "",
    }
    reminded = [i for i in card.invoices if i.id in set(data["invoice_ids"]) and i.first_reminder]
    if reminded:  # the free reminder of the invoices this document claims (a Belgian consumer's)
        # the latest one, with the end of its own 14 days: the earlier reminders' days ended before it (an
        # earliest reminder beside the latest end said a reminder had opened days it had not)
        last = max(reminded, key=lambda i: (i.first_reminder, i.grace_end or dt.date.min))
        data["first_reminder"] = short_date(last.first_reminder)
        data["grace_end"] = short_date(last.grace_end) if last.grace_end else ""
    said = words(lang)
    if penalties is None:  # a missing rate or an undated payment: never a made-up figure on a letter
        why = f" ({context['penalties_unknown']})" if lang == "fr" else ""  # the reason is in French
        data["penalties"] = f"{said['to_compute']}{why}" if context["penalties_unknown"] else ""
    elif penalties and any(i.penalty_unconfirmed for i in card.invoices if i.id in set(data["invoice_ids"])):
        # a rate carried over from an earlier period: never stated as final
        data["penalties"] = said["unconfirmed"].format(amount=format_cents_in(penalties, lang))
        data["rate"]["value"] = f"{data['rate']['value']} {said['to_confirm']}"
    # waived by a supervisor (or nothing owed for the delay): the letter does not assert them
    data["penalties_claimed"] = penalties is None or penalties > 0
    if kind == "statement":
        data.update(_statement(store, card, today, total if claimed else 0, lang))
    elif kind == "payment_plan":
        data.update(_payment_plan(store, card, data, context["invoices"]))
    elif kind == "litigation":
        data.update(_litigation(store, card, data, office))
    data["qr"] = _qr(office, data.pop("qr_cents", data["total_cents"]), data["reference"])
    return data


# What a document must say of the creditor, by kind: every letter names who writes it; a formal notice and a
# litigation file identify the creditor fully (name, address, SIREN or Belgian enterprise number), as a court
# asks of a claimant (issue 16: "creditor and debtor identity").
CREDITOR_FIELDS = {"name": "nom", "address": "adresse", "city": "ville", "siren": "SIREN",
                   "enterprise_number": "numéro d'entreprise"}
LEGAL_KINDS = ("formal_notice", "litigation")


def missing_creditor_fields(office: Any, kind: str, regime_key: str = "") -> list[str]:
    """The [office] settings a ``kind`` document needs and that are empty (``relance doctor`` says them too)."""
    needed = ["name"]
    if kind in LEGAL_KINDS:
        ident = "enterprise_number" if getattr(office, "country", "FR") == "BE" else "siren"
        needed += ["address", "city", ident]
    if kind == "reminder_letter" and regime_key == "be_b2c":
        # the free first reminder to a Belgian consumer states the creditor's enterprise number (CDE XIX.2 §1)
        needed.append("enterprise_number")
    return [k for k in dict.fromkeys(needed) if not str(getattr(office, k, "") or "").strip()]


def _check_creditor(office: Any, kind: str, regime_key: str) -> None:
    """Refused, naming the settings to fill in, when the office's identity a document needs is not set."""
    missing = missing_creditor_fields(office, kind, regime_key)
    if missing:
        raise DocumentError(
            # (the screens and the print run say which document and which debtor around it; an office's own
            # document kinds too)
            f"identité du cabinet incomplète ({', '.join(CREDITOR_FIELDS[k] for k in missing)}"
            f") : renseignez {', '.join(k for k in missing)} dans la section [office] de relance.toml")


def _after_be_grace(card: Any, claimed: list[dict], today: dt.date) -> list[dict]:
    """A Belgian consumer is put on notice only for invoices whose free first reminder's 14 days are over
    (CDE art. XIX.2 §1: nothing may be charged or threatened before); none: refused, saying what to do."""
    over = {i.id for i in card.invoices if i.grace_end is not None and i.grace_end < today}
    kept = [i for i in claimed if i["id"] in over]
    if not kept:
        ends = [i.grace_end for i in card.invoices if i.grace_end is not None and i.grace_end >= today]
        when = f" : délai de 14 jours en cours jusqu'au {min(ends):%d/%m/%Y}" if ends else \
            " : envoyez d'abord le premier rappel gratuit (CDE art. XIX.2), puis attendez ses 14 jours"
        raise DocumentError(f"{clean(card.name)} : pas de mise en demeure avant la fin du délai du premier rappel "
                            f"gratuit{when}")
    return kept


def _office(office: Any) -> dict[str, str]:
    keys = ("name", "address", "postcode", "city", "siren", "enterprise_number", "phone", "email", "iban", "bic",
            "signature")
    out = {k: clean(str(getattr(office, k, "") or "")) for k in keys}
    out["signature"] = out["signature"] or out["name"]
    iban = "".join(out["iban"].split()).upper()
    out["iban"] = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))  # as banks print it: FR76 3000 ...
    return out


def _debtor(card: Any) -> dict[str, str]:
    return {"name": clean(card.name), "address": clean(card.address), "postcode": clean(card.postcode),
            "city": clean(card.city), "siren": clean(card.siren or ""),
            "enterprise_number": clean(card.enterprise_number or ""), "code": clean(card.code or "")}


def _invoice(row: dict, lang: str) -> dict[str, Any]:
    penalty = row["penalty_cents"]
    return {"number": clean(row["number"]), "issue": short_date(row["issue_date"]), "due": short_date(row["due_date"]),
            "amount": format_cents_in(row["amount_cents"], lang), "balance": format_cents_in(row["due_cents"], lang),
            "days_late": row["days_late"],
            "penalty": words(lang)["to_compute"] if penalty is None else format_cents_in(penalty, lang)}


def _rate(card: Any, regime_key: str, today: dt.date, rates: Any, lang: str) -> dict[str, str]:
    """The yearly rate the penalties run at today, and how it is made (for the formal notice's wording)."""
    labels = RATE_LABELS[lang]
    if regime_key not in labels:
        return {"label": "", "value": ""}
    terms = PenaltyTerms(segment="b2b", country=regime_key[:2].upper(), contract_rate_bp=card.contract_rate_bp)
    try:
        bp = annual_rate(today, terms, rates)
    except Exception:  # noqa: BLE001 - a missing rate (MissingRate): the letter says the rule, not a figure
        return {"label": labels[regime_key], "value": labels["missing"]}
    label = labels["contract"] if card.contract_rate_bp else labels[regime_key]
    return {"label": label, "value": percent(bp, lang)}


def _statement(store: Store, card: Any, today: dt.date, owed: int, lang: str) -> dict[str, Any]:
    balance, lines = 0, []
    for line in account_lines(store.conn, card.id, today):
        balance += line.debit_cents - line.credit_cents
        lines.append({"date": short_date(line.day), "label": line_label(line.kind, clean(line.reference), lang),
                      "debit": format_cents_in(line.debit_cents, lang) if line.debit_cents else "",
                      "credit": format_cents_in(line.credit_cents, lang) if line.credit_cents else "",
                      "balance": format_cents_in(balance, lang)})
    # the code pays what is claimed (open invoices due, not contested, not time-barred), said when it differs
    return {"lines": lines, "total": format_cents_in(balance, lang), "total_cents": owed, "account_balance_cents": balance,
            "owed_cents": owed, "to_pay": format_cents_in(owed, lang) if owed != max(0, balance) else ""}


def _payment_plan(store: Store, card: Any, data: dict[str, Any], claimed: list[dict]) -> dict[str, Any]:
    """The instalments still to pay of the debtor's latest promise running, and the invoices they settle: what
    the debtor signs, so its figures agree (the plan never asks more than those invoices' balance).
    ``claimed``: every outstanding invoice not time-barred (call_context), as the call form records them."""
    instalments, invoice_ids = payment_plan(store.conn, card.id)
    pending = [i for i in instalments if i.status == "pending"]
    if not pending:
        raise DocumentError(f"{clean(card.name)} : aucune promesse en cours, pas d'échéancier à signer "
                            "(enregistrez la promesse et ses échéances lors de l'appel)")
    # the invoices the promise names, whatever their state (a promise may cover one not yet due); those it
    # names only, never others in their place
    ids = set(invoice_ids)
    covered = [i for i in claimed if not ids or i["id"] in ids]
    if not covered:
        raise DocumentError(f"{clean(card.name)} : les factures de la promesse ne sont plus dues, pas d'échéancier")
    balance = sum(i["due_cents"] for i in covered)
    plan_total = sum(i.amount_cents for i in pending)
    if plan_total > balance:
        raise DocumentError(f"{clean(card.name)} : échéances de {format_cents(plan_total)} pour un solde de "
                            f"{format_cents(balance)} sur {', '.join(clean(i['number']) for i in covered)} : corrigez la "
                            "promesse avant de faire signer l'échéancier")
    lang = data["lang"]
    return {"instalments": [{"n": n, "due": short_date(i.due), "amount": format_cents_in(i.amount_cents, lang)}
                            for n, i in enumerate(pending, 1)],
            "reference": ", ".join(clean(i["number"]) for i in covered)[:140],
            "invoices": [_invoice(i, lang) for i in covered], "credit": "",
            "total_cents": balance, "total": format_cents_in(balance, lang), "plan_total": format_cents_in(plan_total, lang),
            "rest": format_cents_in(balance - plan_total, lang) if plan_total < balance else "",
            "qr_cents": pending[0].amount_cents,  # the next instalment
            # the law that makes the signed plan an acknowledgement (France: C. civ. 2240; Belgium: 2248)
            "acknowledgement": words(lang)[f"acknowledgement_{data['regime']['key'][:2].upper()}"],
            "registered": False}


def _litigation(store: Store, card: Any, data: dict[str, Any], office: Any) -> dict[str, Any]:
    """What the office's lawyer or bailiff needs: the claim to date, the formal notice and its proof, every
    contact with the debtor (the prior attempt at an amicable settlement a French court asks for small
    claims), and the fields of the court's request form."""
    from zoneinfo import ZoneInfo

    from relance_tui.domain.instants import local
    from relance_tui.domain.vocabulary import EVENT_KINDS

    lang = data["lang"]  # French or Dutch: a court's language (io/document_words.py)
    said, act_labels, channels = words(lang), ACT_LABELS[lang], CHANNEL_LABELS[lang]
    kinds = EVENT_KINDS_NL if lang == "nl" else EVENT_KINDS
    zone = ZoneInfo(getattr(office, "timezone", "Europe/Paris") or "Europe/Paris")
    promises = promise_terms(store.conn, card.id)
    acts = [{"kind": act_labels.get(a.kind, a.kind), "code": a.kind, "day": short_date(a.day),
             "channel": channels.get(a.channel, a.channel), "tracking": clean(a.tracking),
             "invoices": ", ".join(clean(n) for n in a.invoices)}
            for a in legal_acts_of(store.conn, card.id)]
    contacts = [{"date": f"{local(c.at, zone):%d/%m/%Y %H:%M}", "kind": kinds.get(c.kind, c.kind),
                 "agent": clean(c.agent), "notes": clean(contact_note(c, lang, promises))[:300]}
                for c in chronology(store.conn, card.id)]
    penalties = data["penalties_cents"]
    # the claim's parts, as a court form asks them: interest to date apart from the fixed indemnities
    parts = [i.indemnity_cents for i in card.invoices if i.id in set(data["invoice_ids"])]
    indemnities = None if penalties is None or any(v is None for v in parts) else sum(parts)
    notice = next((a for a in reversed(acts) if a["code"] == "formal_notice"), None)
    grounds = said["grounds"].format(data["reference"]) + (said["grounds_notice"].format(
        day=notice["day"], channel=notice["channel"],
        tracking=said["tracking"].format(notice["tracking"]) if notice["tracking"] else "") if notice else "")
    return {"acts": acts, "contacts": contacts, "notice": notice or {}, "registered": False, "qr_cents": 0,
            "claim": {"principal": data["total"],
                      "penalties": said["to_compute"] if penalties is None else format_cents_in(penalties, lang),
                      "interest": said["to_compute"] if indemnities is None
                                  else format_cents_in(penalties - indemnities, lang),
                      "indemnities": said["to_compute"] if indemnities is None else format_cents_in(indemnities, lang),
                      "interest_from": said[f"interest_from_{data['regime']['key']}"],
                      "rate": data["rate"]["value"],  # a business's statutory or contract rate ('' for a consumer)
                      "total": said["without_penalties"].format(data["total"]) if penalties is None
                               else format_cents_in(data["total_cents"] + penalties, lang)},
            "court_place": " ".join(p for p in (data["debtor"]["postcode"], data["debtor"]["city"]) if p) or "—",
            "grounds": grounds,
            "exhibits": [said["exhibit_invoice"].format(**i) for i in data["invoices"]]
                        + ([said["exhibit_notice"].format(notice["day"])] if notice else [])
                        + [said["exhibit_chronology"]]}


def contact_note(contact: Any, lang: str, promises: dict[int, tuple[int, str, str]] | None = None) -> str:
    """What a litigation file's chronology says of a contact. In French, the timeline's note, without a
    document's path on this server. In Dutch or English, what relance itself wrote said again from the event's
    data, no more and no less (a document produced is not said sent; a promise keeps its amount and date);
    what an agent typed, as typed; a note the data cannot say again stays as written (``promises``: each
    promise's amount, due date and instalment mark, by id)."""
    import json

    try:
        data = json.loads(contact.data) if contact.data else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    try:
        return _said_again(contact, data, lang, promises or {})
    except (TypeError, ValueError, KeyError, AttributeError):  # data of another shape: the note as written
        return contact.notes


def _said_again(contact: Any, data: dict, lang: str, promises: dict[int, tuple[int, str, str]]) -> str:
    kind, outcome = contact.kind, contact.outcome
    if lang not in CONTACT_NOTES:  # French: relance's own words already
        path = str(data.get("path", "")) if kind == "letter" and outcome == "document" else ""
        return contact.notes[:-len(f" : {path}")] if path and contact.notes.endswith(f" : {path}") else contact.notes
    said = CONTACT_NOTES[lang]

    def amount_in(value: Any) -> str:
        return format_cents_in(value, lang) if isinstance(value, int) else "?"

    if kind == "call" and outcome in CALL_OUTCOMES_IN[lang] and "notes" in data:
        # recorded with the agent's words kept apart (store/calls.save_call): its outcome and figures, then them
        parts = [CALL_OUTCOMES_IN[lang][outcome]]
        parts += [INSTALMENT_WORDS[lang].format(amount=amount_in(i.get("amount_cents")), due=_day(str(i.get("due_date"))))
                  for i in data.get("instalments", []) if isinstance(i, dict)]
        paid = data.get("paid")
        if isinstance(paid, dict):
            parts.append(said["paid_already"].format(day=_day(str(paid.get("date", ""))))
                         + (said["reference"].format(ref=paid["reference"]) if paid.get("reference") else ""))
        if data["notes"]:
            parts.append(str(data["notes"]))
        return " · ".join(parts)
    if kind == "letter" and outcome == "document" and data.get("document"):
        return (said["document"].format(title=TITLES[lang].get(data["document"], str(data["document"])))
                + (said["registered"] if data.get("registered") else ""))
    promise = promises.get(data.get("promise_id")) if kind == "promise" else None
    if promise is not None:
        promised, due, instalment = promise
        mark = said["instalment"].format(n=instalment) if instalment else ""
        if outcome == "pending":
            return said["promise"].format(amount=amount_in(promised), due=_day(due)) + mark
        if outcome in PROMISE_STATUSES_IN[lang]:
            return said["promise_end"].format(amount=amount_in(promised), due=_day(due), received=amount_in(
                data.get("covered_cents")), status=PROMISE_STATUSES_IN[lang][outcome]) + mark
    if kind == "dispute" and outcome == "opened" and "category" in data and contact.invoices:
        category = DISPUTE_CATEGORIES_IN[lang].get(data["category"], str(data["category"]))
        return said["dispute"].format(category=category, invoices=contact.invoices)
    if kind == "email" and outcome in ("sent", "outbox") and data.get("subject"):
        return said[outcome].format(to=data.get("to", ""), subject=data["subject"])
    if kind == "payment":
        number = str(data.get("number") or contact.invoices or "?")  # the event names its invoice, or its data
        if outcome == "paid" and data.get("rule") == "full":
            return said["full"].format(number=number)
        if outcome in ("paid", "partial") and "amount_cents" in data:
            head = said["payment"] if number != "?" else said["payment_any"]  # never "on invoice ?"
            return (head.format(amount=amount_in(data["amount_cents"]), number=number)
                    + (said["on"].format(day=_day(str(data["day"]))) if data.get("day") else "")
                    + (said["reference"].format(ref=data["reference"]) if data.get("reference") else ""))
        if outcome == "credit" and "amount_cents" in data:
            return (said["credit"].format(credit=data.get("credit_number", "?"), number=number,
                                          amount=amount_in(data["amount_cents"]))
                    + (said["on"].format(day=_day(str(data["day"]))) if data.get("day") else ""))
        if outcome in ("reversed", "credit_released"):
            return said["reversed"].format(number=number)
    return contact.notes


def _day(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if len(iso) == 10 else iso


def _qr(office: Any, cents: int, reference: str) -> str:
    """The EPC QR code (SVG text) paying ``cents`` to the office, or "" without an IBAN or anything owed."""
    iban, name = getattr(office, "iban", "") or "", getattr(office, "name", "") or ""
    if not iban or not name.strip() or cents <= 0:  # the code names whom it pays: no name, no code
        return ""
    payload = epc_payload(name=name, iban=iban, amount_cents=cents, text=reference,
                          bic=getattr(office, "bic", "") or "")
    return epc_svg(payload)


def produce_document(store: Store, debtor_id: int, kind: str, *, office: Any, today: dt.date, agent: str,
                     place: DocumentPlace, invoice_ids: list[int] | None = None,
                     registered: bool | None = None) -> tuple[Pdf, Path, dict[str, Any]]:
    """One debtor's document made, kept in ``place`` and recorded on its timeline with its SHA-256: the PDF,
    where it was kept, and the data it printed."""
    data = document_data(store, debtor_id, kind, office=office, today=today, agent=agent, invoice_ids=invoice_ids,
                         notice_days=place.notice_days, registered=registered, office_dir=place.office_dir)
    pdf = render_documents([(kind, data)], office_dir=place.office_dir)
    kept = keep_document(pdf, place.folder, f"{today.isoformat()}-{kind}-{debtor_id}", place.protected)
    record_document(store, debtor_id, kind, title=document_label(data), path=str(kept), sha256=pdf.sha256,
                    invoice_ids=data["invoice_ids"], registered=data["registered"])
    return pdf, kept, data


def document_label(data: dict[str, Any]) -> str:
    """What a document is, as the agents read it (the timeline, messages): in French, with the document's
    language when it is another ("Mise en demeure en néerlandais")."""
    return in_language(DOCUMENT_KINDS.get(data["kind"], data["kind"]), data)


def in_language(label: str, data: dict[str, Any]) -> str:
    """``label`` with the document's language when it is not French: "Relance par courrier en néerlandais"."""
    lang = data.get("written_in", data["lang"])
    return label if lang == DEFAULT_LANGUAGE else f"{label} en {LANGUAGES[lang]}"


def preview_lines(data: dict[str, Any]) -> list[str]:
    """What a document says, as plain lines for the terminal (the PDF has the layout)."""
    d = data
    lang = d.get("written_in", d["lang"])
    said = [] if lang == d["lang"] else [f"(Document en {LANGUAGES[lang]} : aperçu en français)", ""]
    out = [*said, d["title"] or d["kind"], f"{d['place'] + ', le ' if d['place'] else 'Le '}{d['date']}", "",
           f"À : {d['debtor']['name']}"]
    out += [f"    {part}" for part in (d["debtor"]["address"], f"{d['debtor']['postcode']} {d['debtor']['city']}".strip())
            if part]
    if d["registered"]:
        out.append("Lettre recommandée avec accusé de réception")
    out.append("")
    if d["kind"] == "litigation":
        out += [(f"Créance au {d['date']} : principal {d['claim']['principal']}, pénalités et indemnités "
                 f"{d['claim']['penalties']}, total {d['claim']['total']}"), f"Procédure : {d['regime']['court_step']}",
                f"Fondement : {d['grounds']}", "", f"Actes : {len(d['acts'])}",
                *(f"  {a['kind']} du {a['day']} ({a['channel']}{', n° ' + a['tracking'] if a['tracking'] else ''})"
                  for a in d["acts"]), f"Démarches amiables : {len(d['contacts'])} (chronologie dans le PDF)"]
        return out
    if d["kind"] == "payment_plan":
        out += [f"Échéance {i['n']} : {i['amount']} le {i['due']}" for i in d["instalments"]]
        out += [f"Total de l'échéancier : {d['plan_total']}", "À retourner signé (vaut reconnaissance de dette)", ""]
    if d["kind"] == "statement":
        out += [f"{line['date']}  {line['label']:<28} {line['debit']:>14} {line['credit']:>14} {line['balance']:>14}"
                for line in d["lines"]]
        out.append(f"Solde dû : {d['total']}")
    else:
        out += [f"{i['number']:<16} du {i['issue']}, {'échue le' if i['days_late'] > 0 else 'à échéance du'} "
                f"{i['due']} : {i['balance']} restant dû" for i in d["invoices"]]
        if d["credit"]:
            out.append(f"Avoirs non encore imputés, déduits : {d['credit']}")
        out.append(f"Total restant dû : {d['total']}")
    if d["penalties"]:
        out.append(f"Pénalités et indemnités à ce jour : {d['penalties']}")
    if d["kind"] == "formal_notice":
        out.append(f"Mise en demeure de payer au plus tard le {d['deadline']} ; à défaut : {d['regime']['court_step']}")
    if d["office"]["iban"]:
        out.append(f"Virement : IBAN {d['office']['iban']}, référence {d['reference']}"
                   + (" (QR code de paiement imprimé)" if d["qr"] else ""))
    return out
