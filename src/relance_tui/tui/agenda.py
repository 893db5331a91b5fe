"""À faire: the day's agenda of the dunning plan, a tab (F6).

One row per debtor whose next step is due: emails to send (thank-yous for a balance settled among them),
calls to make, letters and formal notices to print, court files to prepare; then promises to check and
limitation dates approaching (store/agenda.py); late ones first in each group. Space selects, Enter shows the
step (the email as it will leave; a check opens the debtor's card), e sends the selected emails, p makes the
selected letters into one PDF to print (io/letters.py), f records the selected steps done by hand (a
registered letter posted with its tracking number, a court file handed over), s opens a calling session on
the selected calls and promises.
"""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from relance_tui.domain.money import format_cents
from relance_tui.domain.plan import CHANNELS
from relance_tui.domain.text import count
from relance_tui.errors import RelanceError
from relance_tui.store.agenda import LIMITATION_GROUP, ORDER, PROMISE_GROUP, AgendaRow, Check, day_agenda
from relance_tui.store.plan import DebtorPlan
from relance_tui.tui.base import RelanceNode
from relance_tui.tui.plain import plain, styled
from relance_tui.tui.survive import Survives
from relance_tui.tui.tabview import ReadsWhenShown
from relance_tui.tui.virtual_table import Column, VirtualTable

GROUP_SHORT = {"Emails à envoyer": "Email", "Appels à passer": "Appel", "Courriers à imprimer": "Courrier",
               "Dossiers contentieux à préparer": "Tribunal", PROMISE_GROUP: "Promesse", LIMITATION_GROUP: "Prescr."}


def columns_for(width: int) -> list[Column]:
    cols = [Column("mark", " ", 1), Column("group", "Type", 8), Column("debtor", "Débiteur", 0),
            Column("step", "Étape", 24 if width >= 100 else 18), Column("late", "Retard", 7),
            Column("balance", "Solde", 13, "right")]
    if width >= 100:
        cols.insert(5, Column("invoices", "Fact.", 5, "right"))
        cols.append(Column("by", "En cours", 9))
    return cols


def counts(items: list[AgendaRow]) -> dict[str, int]:
    out = {group: 0 for group in ORDER}
    for item in items:
        out[item.group] += 1
    return out


class AgendaView(Survives, RelanceNode, ReadsWhenShown, Vertical):
    DEFAULT_CSS = """
    AgendaView { height: 1fr; }
    #agenda-bar { height: 1; padding: 0 1; background: $panel; }
    #agenda-header { height: 1; text-style: bold; background: $boost; }
    #agenda-status { height: 1; padding: 0 1; }
    #agenda-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("space", "toggle", "Sélectionner", id="agenda.toggle"),
        Binding("e", "send", "Envoyer les emails", id="agenda.send"),
        Binding("p", "print_letters", "Imprimer les courriers", id="agenda.print"),
        Binding("f", "mark_done", "Fait (à la main)", id="agenda.done"),
        Binding("s", "session", "Session d'appels", id="agenda.session"),
    ]

    class Loaded(Message):
        def __init__(self, items: list[AgendaRow]) -> None:
            super().__init__()
            self.items = items

    class Finished(Message):
        """A batch (send, marked done) ended: what to tell the agent."""

        def __init__(self, text: str, error: bool) -> None:
            super().__init__()
            self.text, self.error = text, error

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.items: list[AgendaRow] = []
        self.selected: set = set()  # the rows' keys
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static("", id="agenda-bar")
        yield Static("", id="agenda-header")
        yield VirtualTable(columns_for(100), self.cells, id="agenda-table")
        yield Static("Espace choisit · Entrée montre · e envoie · p imprime · f fait · s appels",
                     id="agenda-status")

    def on_mount(self) -> None:
        self.reload(force=True)

    def on_resize(self) -> None:
        self.table.columns = columns_for(self.size.width)
        self.query_one("#agenda-header", Static).update(self.table.header_text())
        self.table.refresh()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#agenda-table", VirtualTable)

    def cells(self, item: AgendaRow) -> list:
        late = item.late_days
        values = {
            "mark": "✓" if item.key in self.selected else " ",
            "group": GROUP_SHORT[item.group],
            "debtor": item.name,
            "step": item.label,
            "late": styled((f"{late} j", "bold $error")) if late > 0 else "ce jour" if late == 0 else f"J{late}",
            "invoices": str(len(item.invoice_ids)),
            "balance": format_cents(item.balance_cents),
            "by": self.relance.settings.display_name(item.claimed_by) if item.claimed_by else "",
        }
        return [values[c.key] for c in self.table.columns]

    # -- loading --------------------------------------------------------------------------------------
    def reload(self, *, force: bool = False) -> None:
        if not self.should_read(force):
            return
        app = self.relance
        try:
            book = app.plan_book
        except RelanceError as exc:  # a broken plans.toml: said here, with its file and line; no plan runs
            self.query_one("#agenda-bar", Static).update(plain(f"Plans du cabinet illisibles : {exc}"))
            return
        self._load(app.store, app.today(), book, app.settings.office.country)

    @work(thread=True, exclusive=True, group="agenda", exit_on_error=False)
    def _load(self, store, today: dt.date, book, country: str) -> None:  # noqa: ANN001
        self.post_message(self.Loaded(day_agenda(store, today, book=book, office_country=country)))

    def on_agenda_view_loaded(self, message: Loaded) -> None:
        self.items = message.items
        present = {i.key for i in self.items}
        self.selected &= present
        self.table.set_keys([i.key for i in self.items], {i.key: i for i in self.items},
                            keep=self.table.current_key)
        self._show_counts()

    def _show_counts(self) -> None:
        parts = [f"{GROUP_SHORT[g]} {n}" for g, n in counts(self.items).items() if n] or ["rien"]  # fits 80 columns
        late = sum(1 for i in self.items if isinstance(i, DebtorPlan) and i.late_days > 0)  # steps not done on time
        chosen = f"{count(len(self.selected), 'sélectionné')} · " if self.selected else ""  # first: seen at 80 columns
        self.query_one("#agenda-bar", Static).update(
            plain(f"{chosen}{len(self.items)} à faire : {' · '.join(parts)} · {late} en retard"))
        self.relance.set_tab_count("agenda", len(self.items))

    # -- choosing -------------------------------------------------------------------------------------
    def action_toggle(self) -> None:
        key = self.table.current_key
        if key is None:
            return
        self.selected ^= {key}
        self.table.refresh()
        self._show_counts()
        self.table.action_cursor_down()

    def chosen(self, *channels: str) -> list[AgendaRow]:
        """The selected items of these channels (the row under the cursor when nothing is selected)."""
        picked = [i for i in self.items if i.key in self.selected] or (
            [self.table.current_row] if self.table.current_row is not None else [])
        return [i for i in picked if i.channel in channels]

    @on(VirtualTable.Selected, "#agenda-table")
    def row_selected(self, message: VirtualTable.Selected) -> None:
        row = message.row
        if isinstance(row, Check) and row.kind != "thanks":  # a promise, a limitation: the debtor's card
            self.relance.open_debtor_card(row.debtor_id)
        elif row is not None:
            self.app.push_screen(StepScreen(row))

    # -- doing ----------------------------------------------------------------------------------------
    def _batch(self, channels: tuple[str, ...], *, none: str, refused: str, doing: str,
               noun: str) -> list[AgendaRow]:
        """The rows a batch (send, print) works on, the tab marked busy; [] when it cannot start, said."""
        if self.busy:
            return []
        items = self.chosen(*channels)
        if not items:
            self.relance.notify(none, severity="warning")
            return []
        if self.relance.store.readonly:
            self.relance.notify(f"{refused} impossible. {self.relance.store.notice() or 'Base en lecture seule.'}",
                                severity="warning", markup=False)
            return []
        self.busy = True
        self.query_one("#agenda-status", Static).update(plain(doing.format(n=count(len(items), noun))))
        return items

    def action_send(self) -> None:
        items = self._batch(("email",), none="Aucun email sélectionné (Espace sur une ligne « Email »).",
                            refused="Envoi", doing="Envoi de {n}…", noun="email")
        if items:
            app = self.relance
            self._send(app.store, items, app.settings, app.templates, app.today(), app.plan_book)

    @work(thread=True, exclusive=True, group="agenda-send", exit_on_error=False)
    def _send(self, store, items, settings, templates, today, book) -> None:  # noqa: ANN001
        from relance_tui.io.documents import DocumentPlace
        from relance_tui.io.plan_send import Mailer, send_plan_emails

        mailer = Mailer(settings.smtp, settings.smtp.sender or settings.office.email, settings.paths.outbox,
                        documents=DocumentPlace.of(settings, store.path))
        try:
            results = send_plan_emails(store, items, mailer=mailer, templates=templates, agent=settings.agent_name,
                                       office=settings.office, today=today, book=book)
        except Exception as exc:  # noqa: BLE001 - said, and the tab ready again (busy reset by Finished)
            self.post_message(self.Finished(f"Envoi interrompu : {exc}", True))
            return
        sent = [r for r in results if r.status in ("sent", "outbox")]
        failed = [r for r in results if r.failed]
        skipped = [r for r in results if r.status == "skipped"]
        text = count(len(sent), "email envoyé", "emails envoyés")
        if skipped:  # a colleague, or the nightly run, sent them meanwhile: not twice
            text += f", {count(len(skipped), 'déjà envoyé', 'déjà envoyés')} par un autre poste"
        if failed:
            text += f", {len(failed)} en échec : " + " ; ".join(f"{r.name} : {r.message}" for r in failed[:3])
        self.post_message(self.Finished(text, bool(failed)))

    def action_print_letters(self) -> None:
        """The selected letters and formal notices (the one under the cursor) made into one PDF to print."""
        items = self._batch(("letter", "registered"),
                            none="Aucun courrier sélectionné (Espace sur une ligne « Courrier »).",
                            refused="Impression", doing="Préparation de {n}…", noun="courrier")
        if items:
            app = self.relance
            self._print(app.store, items, app.settings, app.today(), app.plan_book)

    @work(thread=True, exclusive=True, group="agenda-send", exit_on_error=False)
    def _print(self, store, items, settings, today, book) -> None:  # noqa: ANN001
        from relance_tui.io.documents import DocumentPlace
        from relance_tui.io.letters import print_letters

        try:
            printed = print_letters(store, items, office=settings.office, agent=settings.agent_name, today=today,
                                    book=book, place=DocumentPlace.of(settings, store.path))
        except Exception as exc:  # noqa: BLE001 - said, and the tab ready again (busy reset by Finished)
            self.post_message(self.Finished(f"Impression interrompue : {exc}", True))
            return
        said = printed.failed + printed.waiting
        if printed.pdf is None:
            text = "Aucun courrier produit" + (f" : {said[0]}" if said else "")
        else:
            text = (f"{count(printed.count, 'courrier')} à imprimer : {printed.kept}"
                    + (f" ; {count(printed.registered, 'recommandé')} : notez leur n° de suivi (f) une fois postés"
                       if printed.registered else "")
                    + (f" ; {count(len(said), 'non produit', 'non produits')} : {said[0]}" if said else ""))
        self.post_message(self.Finished(text, bool(printed.failed)))

    # done by hand: what relance does not do itself (an email step is sent with e: marked done without being
    # sent, a Belgian free reminder would start its 14 days for nothing)
    HAND_DONE = ("letter", "registered", "court", "phone")

    def action_mark_done(self) -> None:
        items = self.chosen(*self.HAND_DONE)
        if not items:
            self.relance.notify("Rien à noter fait à la main : un courrier, un dossier ou un appel (les emails "
                                "s'envoient avec e).", severity="warning")
            return
        self.app.push_screen(DoneScreen(items), lambda result: self._marked(items, result))

    def _marked(self, items: list[AgendaRow], result: tuple[str, str] | None) -> None:
        if result is None:
            return
        note, tracking = result
        app = self.relance
        self._mark(app.store, items, note, tracking, app.today(), app.plan_book, app.settings.office.country)

    @work(thread=True, exclusive=True, group="agenda-send", exit_on_error=False)
    def _mark(self, store, items, note: str, tracking: str, today, book, country: str) -> None:  # noqa: ANN001
        from relance_tui.store.plan_steps import record_step

        done, failed = 0, []
        for item in items:
            try:
                record_step(store, item.debtor_id, item.state.next.key, today=today, note=note, tracking=tracking,
                            book=book, office_country=country)
                done += 1
            except Exception as exc:  # noqa: BLE001 - said per debtor; the others are recorded
                failed.append(f"{item.name} : {exc}")
        text = count(done, "étape notée faite", "étapes notées faites") + (
            f", {count(len(failed), 'refusée')} : {failed[0]}" if failed else "")
        self.post_message(self.Finished(text, bool(failed)))

    def on_agenda_view_finished(self, message: Finished) -> None:
        self.busy = False
        self.selected.clear()
        self.query_one("#agenda-status", Static).update(plain(message.text))
        self.relance.notify(message.text, severity="error" if message.error else "information", markup=False,
                            timeout=15 if message.error else 6)
        self.reload(force=True)

    def action_session(self) -> None:
        calls = self.chosen("phone", "promise")
        if not calls:
            self.relance.notify("Aucun appel sélectionné (Espace sur une ligne « Appel » ou « Promesse »).",
                                severity="warning")
            return
        self._open_session(self.relance.store, calls, self.relance.today())

    @work(thread=True, exclusive=True, group="agenda-send", exit_on_error=False)
    def _open_session(self, store, calls: list[AgendaRow], today: dt.date) -> None:  # noqa: ANN001
        from relance_tui.store.queue import QueueItem
        from relance_tui.store.sessions import create_session

        items = [QueueItem(c.debtor_id, c.name, c.balance_cents, max(0, c.late_days), "plan", 0.0)
                 for c in {c.debtor_id: c for c in calls}.values()]  # a debtor once
        try:
            sid = create_session(store, f"Appels du plan {today:%d/%m}", items)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Finished(str(exc), True))
            return
        self.post_message(self.Finished(f"Session n°{sid} ouverte : {count(len(items), 'appel')} (F5).", False))


class StepScreen(Survives, RelanceNode, ModalScreen[None]):
    """One step as it will be done: the email rendered as it will leave, or what the letter is about."""

    DEFAULT_CSS = """
    StepScreen { align: center middle; }
    StepScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: round $primary; background: $surface;
                            padding: 0 1; }
    #step-body { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", "Fermer", id="step.close")]

    class Rendered(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, item: DebtorPlan | Check) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical():
            yield Label(plain(f"{item.name} — {item.label} ({CHANNELS.get(item.channel, item.channel)})"))
            with VerticalScroll(id="step-body"):
                yield Static("…", id="step-text")
            yield Label("Échap ferme")

    def on_mount(self) -> None:
        app = self.relance
        self._build_preview(app.store, app.settings, app.templates, app.today())

    @work(thread=True, exclusive=True, group="step-preview", exit_on_error=False)
    def _build_preview(self, store, settings, templates, today) -> None:  # noqa: ANN001
        from relance_tui.io.mail import make_draft
        from relance_tui.io.plan_send import step_context
        from relance_tui.io.templates import TemplateProblem

        item = self.item
        if isinstance(item, Check):  # a thank-you: the email as it will leave
            self.post_message(self.Rendered("\n".join(self._thanks(item, store, settings, templates, today))))
            return
        step = item.state.next
        lines = [f"Plan : {item.plan.label} · prévue le {item.state.due:%d/%m/%Y}"
                 f"{f' · en retard de {item.state.late_days} j' if item.state.late_days > 0 else ''}",
                 f"Solde : {format_cents(item.balance_cents)} · {count(len(item.invoice_ids), 'facture')}", ""]
        if step.channel == "email":
            try:
                context, to = step_context(store, item, agent=settings.agent_name, office=settings.office,
                                           today=today)
                draft, problems = make_draft(templates, context, kind=step.template, debtor_id=item.debtor_id,
                                             to=to, files=[])
                lines += [f"À : {draft.to or '(aucune adresse email)'}", f"Objet : {draft.subject}", "", draft.body,
                          *problems]
            except (RelanceError, TemplateProblem, OSError) as exc:  # a template missing or broken: said
                lines.append(f"Aperçu impossible : {exc}")
        else:
            lines.append("À faire hors de relance (impression, dépôt), puis « f » pour le noter fait."
                         if step.channel != "phone" else "Un appel : « s » ouvre une session sur les appels choisis.")
        self.post_message(self.Rendered("\n".join(lines)))

    @staticmethod
    def _thanks(item: Check, store, settings, templates, today) -> list[str]:  # noqa: ANN001
        from relance_tui.io.mail import make_draft
        from relance_tui.io.plan_send import thanks_context

        lines = [f"Compte soldé le {item.due:%d/%m/%Y} : remerciement proposé (rien n'est envoyé sans « e »)", ""]
        try:
            context, to = thanks_context(store, item, agent=settings.agent_name, office=settings.office, today=today)
            draft, problems = make_draft(templates, context, kind="thanks", debtor_id=item.debtor_id, to=to, files=[])
        except RelanceError as exc:
            return [*lines, f"Aperçu impossible : {exc}"]
        return [*lines, f"À : {draft.to or '(aucune adresse email)'}", f"Objet : {draft.subject}", "", draft.body,
                *problems]

    def on_step_screen_rendered(self, message: Rendered) -> None:
        self.query_one("#step-text", Static).update(plain(message.text))

    def action_close(self) -> None:
        self.dismiss(None)


class DoneScreen(Survives, ModalScreen[tuple[str, str] | None]):
    """Steps done by hand: a note, and the registered letter's tracking number."""

    DEFAULT_CSS = """
    DoneScreen { align: center middle; }
    DoneScreen > Vertical { width: 80; max-width: 98%; height: auto; border: round $primary; background: $surface; padding: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="done.cancel")]

    def __init__(self, items: list[AgendaRow]) -> None:
        super().__init__()
        self.items = items

    def compose(self) -> ComposeResult:
        names = ", ".join(i.name for i in self.items[:3]) + ("…" if len(self.items) > 3 else "")
        with Vertical():
            yield Label(plain(f"Noter fait aujourd'hui : {count(len(self.items), 'étape')} ({names})"))
            yield Input(placeholder="Note (ex. posté ce matin)", id="done-note")
            yield Input(placeholder="N° de suivi du recommandé (facultatif)", id="done-tracking")
            yield Label(Content("Entrée valide · Échap annule"))

    def on_mount(self) -> None:
        self.query_one("#done-note", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "done-note":
            self.query_one("#done-tracking", Input).focus()
            return
        self.dismiss((self.query_one("#done-note", Input).value, self.query_one("#done-tracking", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
