"""Realistic, deterministic French demo data: debtors, contacts, invoices of all
ages, partial payments, disputes, promises kept and broken, months of contacts.

Everything derives from ``seed`` and ``today``: the same pair gives the same
database. Rows are written with plain ``executemany`` inside one
``BEGIN IMMEDIATE`` transaction (the ``large`` size holds a million events),
by store/demo_rows.py: the statements, like all SQL, live in store/.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from relance_tui.domain.dates import Bucket, bucket_for
from relance_tui.domain.dunning import PROMISE_GRACE_DAYS
from relance_tui.domain.identifiers import luhn_check_digit
from relance_tui.domain.text import fold, name_key
from relance_tui.store.connection import Store
from relance_tui.store.demo_rows import DemoRows, write_demo_rows
from relance_tui.store.queries import has_business_data

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class DemoSize:
    name: str
    debtors: int
    invoices: int
    events: int


SIZES = {
    "small": DemoSize("small", 40, 240, 2_400),
    "office": DemoSize("office", 600, 6_000, 45_000),
    "large": DemoSize("large", 20_000, 200_000, 1_000_000),
}

AGENTS = {"marie": "Marie Lefort", "karim": "Karim Benali", "sophie": "Sophie Garnier", "lucas": "Lucas Moreau"}
HISTORY_DAYS = 540

FIRST_NAMES = (
    "Jean", "Marie", "Pierre", "Sophie", "Nicolas", "Isabelle", "Thomas", "Nathalie", "Julien", "Céline",
    "Philippe", "Sandrine", "Laurent", "Valérie", "Stéphane", "Émilie", "François", "Hélène", "Olivier",
    "Camille", "Antoine", "Chloé", "Mathieu", "Élodie", "Sébastien", "Aurélie", "Éric", "Léa", "David",
    "Manon", "Karim", "Fatima", "Mehdi", "Inès", "Bruno", "Agnès", "Yannick", "Margaux", "Cédric", "Anaïs",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
)
ACTIVITIES = (
    "Boulangerie", "Garage", "Transports", "Menuiserie", "Plomberie", "Imprimerie", "Cabinet", "Pharmacie",
    "Restaurant", "Électricité", "Bâtiment", "Paysages", "Informatique", "Conseil", "Traiteur", "Fromagerie",
    "Librairie", "Optique", "Carrosserie", "Maçonnerie", "Charpente", "Couverture", "Nettoyage", "Hôtel",
)
BRANDS = ("Atelier", "Groupe", "Ets", "Maison", "Comptoir", "Société")
LEGAL_FORMS = ("SARL", "SAS", "SASU", "EURL", "SA")
CITIES = (
    ("Paris", "75011", "01"), ("Lyon", "69003", "04"), ("Marseille", "13006", "04"),
    ("Toulouse", "31000", "05"), ("Nantes", "44000", "02"), ("Lille", "59000", "03"),
    ("Bordeaux", "33000", "05"), ("Strasbourg", "67000", "03"), ("Rennes", "35000", "02"),
    ("Montpellier", "34000", "04"), ("Nice", "06000", "04"), ("Dijon", "21000", "03"),
    ("Rouen", "76000", "02"), ("Tours", "37000", "02"), ("Grenoble", "38000", "04"),
    ("Angers", "49000", "02"), ("Reims", "51100", "03"), ("Le Mans", "72000", "02"),
    ("Clermont-Ferrand", "63000", "04"), ("Limoges", "87000", "05"), ("Orléans", "45000", "02"),
    ("Caen", "14000", "02"), ("Metz", "57000", "03"), ("Brest", "29200", "02"), ("Pau", "64000", "05"),
)
# Belgian debtors (about one in seven): French-speaking cities, their postcodes and phone area codes.
BE_CITIES = (
    ("Bruxelles", "1000", "02"), ("Liège", "4000", "04"), ("Namur", "5000", "081"), ("Charleroi", "6000", "071"),
    ("Mons", "7000", "065"), ("Wavre", "1300", "010"), ("Tournai", "7500", "069"), ("Arlon", "6700", "063"),
)
BE_SHARE = 0.15


def of_place(city: str) -> str:
    """'de Rennes', "d'Orléans", 'du Mans', 'de La Rochelle', 'des Sables-d'Olonne': a town's name after « de »
    as the French write it (the article of « Le Mans » joins it; a vowel or a mute h elides)."""
    if city.startswith("Le "):
        return f"du {city[3:]}"
    if city.startswith("Les "):
        return f"des {city[4:]}"
    if city[:1].lower() in "aeiouyéèêàâîôûh":
        return f"d'{city}"
    return f"de {city}"
STREETS = (
    "rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "rue Pasteur",
    "place de la Mairie", "rue du Général de Gaulle", "chemin des Vignes", "rue des Écoles",
    "allée des Tilleuls", "impasse des Lilas", "zone artisanale des Prés", "quai de la Loire",
)
ROLES = ("Gérant", "Comptable", "Responsable administratif", "Assistante de direction", "DAF",
         "Directrice", "Responsable achats", "Secrétaire")
RELEASING_ROLES = {"Gérant", "DAF", "Directrice", "Comptable"}

CALL_FILLERS = (  # (outcome, direction, weight, notes)
    ("voicemail", "out", 30, "Messagerie, message laissé avec le numéro de facture."),
    ("unreachable", "out", 18, "Pas de réponse, standard fermé."),
    ("callback", "out", 14, "Interlocuteur absent, rappeler en fin de semaine."),
    ("awaiting_approval", "out", 10, "Facture transmise au service comptable, en attente de validation."),
    ("not_received", "out", 6, "Le client dit ne pas avoir reçu la facture : renvoyée par email."),
    ("refused", "out", 4, "Refus de payer avant la fin du chantier."),
    ("wrong_number", "out", 3, "Numéro attribué à une autre société."),
    ("callback", "in", 5, "Le client rappelle pour demander un duplicata."),
)
NOTE_TEXTS = (
    "Client de longue date, paie en général après une relance.",
    "Préférer les appels le matin.",
    "Changement de comptable annoncé le mois dernier.",
    "Demande d'échéancier évoquée, à formaliser.",
    "Attention : adresse de facturation différente de l'adresse de livraison.",
)
EMAIL_TEXTS = (
    ("courtesy", "Email de prévenance avant échéance."),
    ("reminder_1", "Première relance par email, facture jointe."),
    ("recap", "Email récapitulatif après appel."),
)
DISPUTE_REASONS = (
    ("not_delivered", "Livraison incomplète selon le client."),
    ("quality", "Le client conteste la qualité de la prestation."),
    ("price", "Écart de prix avec le devis signé."),
    ("not_received", "Facture jamais reçue selon le client."),
    ("other", "Désaccord sur les conditions de paiement."),
)


@dataclass
class _Inv:
    id: int
    debtor_id: int
    number: str
    issue: dt.date
    due: dt.date
    amount: int
    paid: int = 0
    status: str = "open"
    paid_date: dt.date | None = None
    payments: list[tuple[dt.date, int, str]] = field(default_factory=list)


class _Builder:
    def __init__(self, seed: int, today: dt.date, size: DemoSize, tz: str):
        self.rng = random.Random(seed)
        # a second stream for what came later (Belgian debtors), so that the first one, and every demo
        # figure drawn from it, stays what it was for a given seed
        self.rng_be = random.Random(seed * 7_919 + 32)
        self.enterprise_numbers: dict[int, str] = {}
        # legal acts: (index in self.events, debtor id, invoice id, kind, day, channel)
        self.acts: list[tuple[int, int, int, str, str, str]] = []
        self.today = today
        self.size = size
        self.tz = ZoneInfo(tz)
        self._offsets: dict[dt.date, dt.timedelta] = {}
        self.created = self.instant(today - dt.timedelta(days=HISTORY_DAYS + 30), 8 * 60)
        self.debtors: list[tuple] = []
        self.contacts: list[tuple] = []
        self.invoices: list[_Inv] = []
        self.promises: list[tuple] = []
        self.promise_links: list[tuple[int, int]] = []
        # events before ids are known: (at, debtor_id, kind, direction, outcome, agent, duration, notes, data, invoice_ids)
        self.events: list[tuple] = []
        self.promise_event_index: dict[int, int] = {}  # promise id -> index in self.events

    # -- helpers ---------------------------------------------------------------
    def instant(self, day: dt.date, minute_of_day: int) -> str:
        off = self._offsets.get(day)
        if off is None:
            off = dt.datetime(day.year, day.month, day.day, 12, tzinfo=self.tz).utcoffset()
            self._offsets[day] = off
        local = dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=minute_of_day)
        return (local - off).strftime("%Y-%m-%dT%H:%M:%SZ")

    def work_instant(self, day: dt.date) -> str:
        rng = self.rng
        return self.instant(day, rng.choice((rng.randint(540, 720), rng.randint(840, 1110))))

    def business_day(self, day: dt.date) -> dt.date:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day

    def past_day(self, low: dt.date, high: dt.date) -> dt.date:
        """A business day in [low, high], never today or later."""
        high = min(high, self.today - dt.timedelta(days=1))
        if high < low:
            return high
        day = low + dt.timedelta(days=self.rng.randint(0, (high - low).days))
        return day if day.weekday() < 5 else max(low, min(high, day - dt.timedelta(days=day.weekday() - 4)))

    def agent(self, manager: str | None) -> str:
        return manager if manager and self.rng.random() < 0.7 else self.rng.choice(tuple(AGENTS))

    def event(self, at: str, debtor_id: int, kind: str, agent: str, *, direction=None, outcome=None,
              duration=None, notes="", data=None, invoices=()) -> int:
        self.events.append((at, debtor_id, kind, direction, outcome, agent, duration, notes,
                            json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None,
                            tuple(invoices)))
        return len(self.events) - 1

    # -- debtors and contacts ----------------------------------------------------
    def siren(self) -> str:
        body = f"{self.rng.randint(30_000_000, 99_999_999):08d}"
        return body + luhn_check_digit(body)

    def build_debtors(self) -> None:
        rng = self.rng
        contact_id = 0
        used_names: set[str] = set()
        for i in range(1, self.size.debtors + 1):
            city, postcode, prefix = rng.choice(CITIES)
            person = rng.random() < 0.12
            last = rng.choice(LAST_NAMES)
            if person:
                first = rng.choice(FIRST_NAMES)
                name = f"{first} {last}"
                siren = siret = None
            else:
                pattern = rng.random()
                if pattern < 0.45:
                    name = f"{rng.choice(ACTIVITIES)} {last}"
                elif pattern < 0.7:
                    name = f"{rng.choice(BRANDS)} {last} et Fils"
                elif pattern < 0.85:
                    name = f"{rng.choice(ACTIVITIES)} {of_place(city)}"
                else:
                    name = f"{last} {rng.choice(ACTIVITIES)}"
                name = f"{name} {rng.choice(LEGAL_FORMS)}"
                siren = self.siren()
                nic = f"{rng.randint(1, 99):04d}"
                siret = siren + nic + luhn_check_digit(siren + nic)
            if name in used_names:
                name = f"{name} ({city})"
            used_names.add(name)
            profile = rng.choices(("good", "normal", "bad"), weights=(35, 45, 20))[0]
            manager = rng.choice(tuple(AGENTS))
            terms = None if person else rng.choice((30, 30, 30, 45, 60, None))
            notes = rng.choice(NOTE_TEXTS) if rng.random() < 0.25 else ""
            self.debtors.append((
                i, f"C{i:05d}", name, "person" if person else "company", "b2c" if person else "b2b",
                siren, siret, f"{rng.randint(1, 180)} {rng.choice(STREETS)}", postcode, city, "FR", terms,
                profile, manager, "email" if rng.random() < 0.15 else "phone", None, None, notes,
                self.created, self.created, "demo", 1,
            ))
            domain = fold(last) + rng.choice((".fr", ".com", "-pro.fr"))
            n_contacts = 1 if person else rng.choice((1, 2, 2, 3))
            roles = rng.sample(ROLES, n_contacts)
            releasing_done = False
            for k in range(n_contacts):
                contact_id += 1
                if person:
                    c_first, c_last, role = name.split(" ")[0], last, "Particulier"
                else:
                    c_first, c_last, role = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), roles[k]
                releases = person or (role in RELEASING_ROLES and not releasing_done and rng.random() < 0.85)
                releasing_done = releasing_done or releases
                phone = f"{prefix} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                mobile = (f"0{rng.choice('67')} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                          f"{rng.randint(10, 99)} {rng.randint(10, 99)}") if rng.random() < 0.6 else ""
                email = f"{fold(c_first)[0]}.{fold(c_last).replace(' ', '')}@{domain}"
                self.contacts.append((
                    contact_id, i, f"{c_first} {c_last}", role, mobile if person and mobile else phone,
                    "" if person else mobile, email, int(releases), "", self.created, self.created, "demo", 1,
                ))

    def make_some_belgian(self) -> None:
        """About one debtor in seven lives in Belgium: Belgian city and phones, an enterprise number (BCE)
        for a company instead of SIREN/SIRET; its invoices follow Belgian law (domain/law.py)."""
        rng = self.rng_be
        phones: dict[int, str] = {}
        for n, d in enumerate(self.debtors):
            if rng.random() >= BE_SHARE:
                continue
            city, postcode, prefix = rng.choice(BE_CITIES)
            if d[3] == "company":
                body = rng.randint(2_000_000, 9_999_999)  # 0 and seven digits: 0xxx.xxx.xxx
                self.enterprise_numbers[d[0]] = f"{body:08d}{97 - body % 97:02d}"
            self.debtors[n] = (*d[:5], None, None, d[7], postcode, city, "BE", *d[11:])
            phones[d[0]] = prefix
        for n, c in enumerate(self.contacts):
            prefix = phones.get(c[1])
            if prefix is not None:
                digits = f"{rng.randint(0, 10 ** (9 - len(prefix)) - 1):0{9 - len(prefix)}d}"  # nine digits in all
                local = (f"{prefix} {digits[:3]} {digits[3:5]} {digits[5:]}" if len(prefix) == 2
                         else f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]}")
                self.contacts[n] = (*c[:4], local, "", *c[6:])

    # -- invoices and payments ------------------------------------------------------
    def build_invoices(self) -> None:
        rng = self.rng
        n_d, n_i = self.size.debtors, self.size.invoices
        weights = [rng.paretovariate(1.6) for _ in range(n_d)]
        total_w = sum(weights)
        extra = n_i - n_d
        counts = [1 + int(extra * w / total_w) for w in weights]
        short = n_i - sum(counts)
        for k in range(short):
            counts[k % n_d] += 1
        number = 0
        for d_index, count in enumerate(counts):
            debtor = self.debtors[d_index]
            debtor_id, terms, profile, segment = debtor[0], debtor[11] or 30, debtor[12], debtor[4]
            for _ in range(count):
                number += 1
                issue = self.today - dt.timedelta(days=rng.randint(0, HISTORY_DAYS))
                due = issue + dt.timedelta(days=terms)
                base = rng.lognormvariate(6.6, 1.1) if segment == "b2b" else rng.lognormvariate(5.3, 0.8)
                amount = max(1_500, min(int(base * 100), 4_500_000))
                inv = _Inv(number, debtor_id, f"FA-{issue.year}-{number:06d}", issue, due, amount)
                self.settle(inv, profile)
                self.invoices.append(inv)
        self.ensure_every_bucket()

    def settle(self, inv: _Inv, profile: str) -> None:
        rng = self.rng
        late = (self.today - inv.due).days
        p_paid = 0.1 if late <= 0 else 0.4 if late <= 30 else 0.55 if late <= 90 else 0.75
        p_paid += {"good": 0.2, "normal": 0.0, "bad": -0.25}[profile]
        if rng.random() < p_paid:
            spread = {"good": (-5, 10), "normal": (0, 40), "bad": (10, 90)}[profile]
            pay_day = inv.due + dt.timedelta(days=rng.randint(*spread))
            pay_day = max(pay_day, inv.issue + dt.timedelta(days=1))
            if pay_day < self.today:
                if rng.random() < 0.1:  # paid in two instalments
                    first = inv.amount // 2
                    early = max(inv.issue + dt.timedelta(days=1), pay_day - dt.timedelta(days=rng.randint(5, 20)))
                    inv.payments.append((early, first, f"VIR {rng.randint(100000, 999999)}"))
                    inv.payments.append((pay_day, inv.amount - first, f"VIR {rng.randint(100000, 999999)}"))
                else:
                    inv.payments.append((pay_day, inv.amount, f"VIR {rng.randint(100000, 999999)}"))
                inv.paid, inv.status, inv.paid_date = inv.amount, "paid", pay_day
                return
        if late > 5 and rng.random() < 0.15:  # partial payment
            part = int(inv.amount * rng.uniform(0.2, 0.7))
            day = inv.due + dt.timedelta(days=rng.randint(1, late - 1))
            inv.payments.append((day, part, f"CHQ {rng.randint(1000000, 9999999)}"))
            inv.paid = part
        if late > 10 and rng.random() < 0.04:
            inv.status = "disputed"
        elif late > 120 and rng.random() < 0.03:
            inv.status = "litigation"
        elif late > 240 and rng.random() < 0.02:
            inv.status = "written_off"

    def ensure_every_bucket(self) -> None:
        """Make sure each aging bucket holds open invoices, whatever the seed."""
        open_by_bucket: dict[Bucket, int] = {b: 0 for b in Bucket}
        for inv in self.invoices:
            if inv.status == "open":
                open_by_bucket[bucket_for((self.today - inv.due).days)] += 1
        targets = {Bucket.NOT_DUE: -10, Bucket.D1_30: 15, Bucket.D31_60: 45, Bucket.D61_90: 75, Bucket.OVER_90: 150}
        paid = [inv for inv in self.invoices if inv.status == "paid"]
        for bucket, days in targets.items():
            for _ in range(max(0, 2 - open_by_bucket[bucket])):
                if not paid:
                    return
                inv = paid.pop()
                inv.due = self.today - dt.timedelta(days=days)
                inv.issue = inv.due - dt.timedelta(days=30)
                inv.number = f"FA-{inv.issue.year}-{inv.id:06d}"
                inv.payments.clear()
                inv.paid, inv.status, inv.paid_date = 0, "open", None

    # -- history ------------------------------------------------------------------------
    def build_history(self) -> None:
        rng = self.rng
        by_debtor: dict[int, list[_Inv]] = {}
        for inv in self.invoices:
            by_debtor.setdefault(inv.debtor_id, []).append(inv)
        promise_id = 0
        for debtor in self.debtors:
            debtor_id, manager = debtor[0], debtor[13]
            be_consumer = debtor[10] == "BE" and debtor[4] == "b2c"
            invs = by_debtor.get(debtor_id, [])
            for inv in invs:
                for day, cents, ref in inv.payments:
                    self.event(self.instant(day, 7 * 60), debtor_id, "payment", "compta", direction="in",
                               outcome="partial" if cents < inv.amount else "paid",
                               notes=f"Paiement reçu {ref} (import)", invoices=(inv.id,),
                               data={"amount_cents": cents, "reference": ref, "source": "import"})
                late = (self.today - inv.due).days
                courtesy = inv.due - dt.timedelta(days=8)
                if inv.issue < courtesy < self.today and rng.random() < 0.5:
                    self.event(self.work_instant(courtesy), debtor_id, "email", self.agent(manager), direction="out",
                               outcome="courtesy", notes=EMAIL_TEXTS[0][1], invoices=(inv.id,))
                unpaid_then = inv.paid_date is None or (inv.paid_date - inv.due).days > 3
                if late > 3 and unpaid_then:
                    day = self.past_day(inv.due + dt.timedelta(days=1), inv.due + dt.timedelta(days=3))
                    k = self.event(self.work_instant(day), debtor_id, "email", self.agent(manager), direction="out",
                                   outcome="reminder_1", notes=EMAIL_TEXTS[1][1], invoices=(inv.id,))
                    if be_consumer:  # the free first reminder of CDE art. XIX.2: its 14 days start tomorrow
                        self.acts.append((k, debtor_id, inv.id, "first_reminder", day.isoformat(), "email"))
                if late > 15 and (inv.paid_date is None or (inv.paid_date - inv.due).days > 15):
                    day = self.past_day(inv.due + dt.timedelta(days=15), inv.due + dt.timedelta(days=18))
                    self.event(self.work_instant(day), debtor_id, "letter", self.agent(manager), direction="out",
                               outcome="reminder_letter", notes="Lettre de relance envoyée.", invoices=(inv.id,))
                if late > 45 and inv.paid_date is None and rng.random() < 0.5:
                    day = self.past_day(inv.due + dt.timedelta(days=30), inv.due + dt.timedelta(days=35))
                    k = self.event(self.work_instant(day), debtor_id, "letter", self.agent(manager),
                                   direction="out", outcome="formal_notice",
                                   notes="Mise en demeure envoyée en recommandé AR.", invoices=(inv.id,))
                    self.acts.append((k, debtor_id, inv.id, "formal_notice", day.isoformat(), "registered"))
                if inv.status == "disputed":
                    category, reason = rng.choice(DISPUTE_REASONS)
                    day = self.past_day(inv.due + dt.timedelta(days=8), inv.due + dt.timedelta(days=10))
                    agent = self.agent(manager)
                    at = self.work_instant(day)
                    self.event(at, debtor_id, "call", agent, direction="out", outcome="dispute",
                               duration=rng.randint(180, 600), notes=reason, invoices=(inv.id,))
                    self.event(at, debtor_id, "dispute", agent, outcome=category, notes=reason, invoices=(inv.id,),
                               data={"category": category})
            promise_id = self.build_promises(debtor_id, manager, invs, promise_id)

    def build_promises(self, debtor_id: int, manager: str | None, invs: list[_Inv], promise_id: int) -> int:
        rng = self.rng
        # kept: a late payment that a call obtained
        for inv in invs:
            if inv.paid_date and (inv.paid_date - inv.due).days > 12 and rng.random() < 0.35:
                due = inv.paid_date - dt.timedelta(days=rng.randint(0, PROMISE_GRACE_DAYS))
                called = self.past_day(max(inv.due + dt.timedelta(days=8), due - dt.timedelta(days=15)),
                                       due - dt.timedelta(days=2))
                promise_id = self.promise(promise_id, debtor_id, manager, called, due, inv.amount, "kept", (inv,))
        overdue = [inv for inv in invs if inv.status == "open" and (self.today - inv.due).days > 8]
        if overdue and rng.random() < 0.35:
            inv = rng.choice(overdue)
            owed = inv.amount - inv.paid
            broken_due = self.today - dt.timedelta(days=rng.randint(PROMISE_GRACE_DAYS + 1, 40))
            if broken_due > inv.due + dt.timedelta(days=3):
                called = self.past_day(inv.due + dt.timedelta(days=1), broken_due - dt.timedelta(days=2))
                if called > inv.due:
                    promise_id = self.promise(promise_id, debtor_id, manager, called, broken_due, owed,
                                              "broken", (inv,))
        if overdue and rng.random() < 0.3:
            inv = rng.choice(overdue)
            called = self.past_day(self.today - dt.timedelta(days=6), self.today - dt.timedelta(days=1))
            if called > inv.due:
                due = self.today + dt.timedelta(days=rng.randint(1, 20))
                promise_id = self.promise(promise_id, debtor_id, manager, called, due, inv.amount - inv.paid,
                                          "pending", (inv,))
        return promise_id

    def promise(self, promise_id: int, debtor_id: int, manager: str | None, called: dt.date, due: dt.date,
                amount: int, status: str, invs: tuple[_Inv, ...]) -> int:
        promise_id += 1
        agent = self.agent(manager)
        at = self.work_instant(called)
        inv_ids = tuple(i.id for i in invs)
        notes = f"Promesse de paiement de {amount / 100:.2f} € pour le {due:%d/%m/%Y}.".replace(".", ",", 1)
        self.event(at, debtor_id, "call", agent, direction="out", outcome="promise",
                   duration=self.rng.randint(150, 720), notes=notes, invoices=inv_ids)
        index = self.event(at, debtor_id, "promise", agent, outcome="pending", notes=notes, invoices=inv_ids,
                           data={"promise_id": promise_id, "amount_cents": amount, "due_date": due.isoformat()})
        self.promise_event_index[promise_id] = index
        evaluated = None
        if status != "pending":
            evaluated = self.instant(due + dt.timedelta(days=PROMISE_GRACE_DAYS + 1), 6 * 60)
            if evaluated < self.instant(self.today, 0):
                self.event(evaluated, debtor_id, "promise", "relance", outcome=status,
                           notes=f"Promesse du {due:%d/%m/%Y} : {'tenue' if status == 'kept' else 'non tenue'}.",
                           invoices=inv_ids, data={"promise_id": promise_id})
        self.promises.append((promise_id, debtor_id, amount, due.isoformat(), None, status, agent, notes, at,
                              evaluated, evaluated or at, agent, 1))
        self.promise_links.extend((promise_id, i) for i in inv_ids)
        return promise_id

    def fill_contacts(self) -> None:
        """Top up with everyday calls and notes until the size's event count."""
        rng = self.rng
        missing = self.size.events - len(self.events)
        if missing <= 0:
            return
        first_due: dict[int, dt.date] = {}
        for inv in self.invoices:
            if inv.debtor_id not in first_due or inv.issue < first_due[inv.debtor_id]:
                first_due[inv.debtor_id] = inv.issue
        debtor_ids = [d[0] for d in self.debtors]
        managers = {d[0]: d[13] for d in self.debtors}
        weights_calls = [w for _, _, w, _ in CALL_FILLERS]
        for _ in range(missing):
            debtor_id = rng.choice(debtor_ids)
            start = first_due.get(debtor_id, self.today - dt.timedelta(days=HISTORY_DAYS))
            day = self.past_day(start, self.today - dt.timedelta(days=1))
            agent = self.agent(managers[debtor_id])
            if rng.random() < 0.85:
                outcome, direction, _, notes = rng.choices(CALL_FILLERS, weights=weights_calls)[0]
                duration = rng.randint(15, 60) if outcome in ("voicemail", "unreachable", "wrong_number") \
                    else rng.randint(60, 480)
                self.event(self.work_instant(day), debtor_id, "call", agent, direction=direction,
                           outcome=outcome, duration=duration, notes=notes)
            else:
                self.event(self.work_instant(day), debtor_id, "note", agent, notes=rng.choice(NOTE_TEXTS))

    # -- writing ------------------------------------------------------------------------
    def write(self, db: Database, seed: int) -> None:
        now = self.created
        # events in time order, so that id order is time order
        order = sorted(range(len(self.events)), key=lambda k: self.events[k][0])
        new_id = {old: n + 1 for n, old in enumerate(order)}
        rows = DemoRows(
            agents=[(login, name, now, now) for login, name in AGENTS.items()],
            debtors=((*d, name_key(d[2])) for d in self.debtors),
            contacts=self.contacts,
            invoices=((i.id, i.number, i.debtor_id, i.issue.isoformat(), i.due.isoformat(), i.amount, i.paid, i.status,
                       i.paid_date.isoformat() if i.paid_date else None, now, now) for i in self.invoices),
            payments=((i.debtor_id, i.id, day.isoformat(), cents, ref, self.instant(day, 7 * 60))
                      for i in self.invoices for day, cents, ref in i.payments),
            events=((new_id[k], *self.events[k][:9]) for k in order),
            event_invoices=((new_id[k], inv) for k in order for inv in self.events[k][9]),
            promises=((p[0], p[1], new_id[self.promise_event_index[p[0]]], *p[2:]) for p in self.promises),
            promise_invoices=self.promise_links,
            enterprise_numbers=((number, debtor_id) for debtor_id, number in self.enterprise_numbers.items()),
            legal_acts=((debtor_id, inv_id, kind, day, channel, new_id[k], self.events[k][5], self.events[k][0])
                        for k, debtor_id, inv_id, kind, day, channel in self.acts))
        write_demo_rows(db, rows, setting={"seed": seed, "today": self.today.isoformat(), "size": self.size.name},
                        at=self.instant(self.today, 0))


@dataclass(frozen=True)
class DemoReport:
    size: DemoSize
    seed: int
    today: dt.date
    debtors: int
    invoices: int
    events: int
    promises: int
    seconds: float
    write_seconds: float = 0.0  # of which: inserting the rows in SQLite


def build_demo(
    store: Store,
    *,
    size: str = "small",
    seed: int = 1,
    today: dt.date | None = None,
    tz: str = "Europe/Paris",
    progress: Callable[[str], None] = lambda _msg: None,
) -> DemoReport:
    """Fill an empty database with demo data (the caller refuses non-empty ones)."""
    if size not in SIZES:
        raise ValueError(f"taille {size!r} inconnue (attendu : {', '.join(SIZES)})")
    if has_business_data(store):
        raise ValueError(f"la base {store.path} contient déjà des données")
    started = time.perf_counter()
    today = today or dt.date.today()
    builder = _Builder(seed, today, SIZES[size], tz)
    progress("débiteurs et contacts")
    builder.build_debtors()
    builder.make_some_belgian()
    progress("factures et paiements")
    builder.build_invoices()
    progress("historique des relances")
    builder.build_history()
    builder.fill_contacts()
    progress("écriture dans la base")
    write_started = time.perf_counter()
    store.write(lambda db: builder.write(db, seed), what="création des données de démonstration")
    done = time.perf_counter()
    return DemoReport(SIZES[size], seed, today, len(builder.debtors), len(builder.invoices),
                      len(builder.events), len(builder.promises), done - started, done - write_started)
