"""Documents as PDF (issue 16): the reminder letter, the formal notice, the statement of account.

The engine is typst (the ``typst`` package: offline, its own embedded fonts, one compile per batch; the day's
500 letters with their QR codes compiled in 1.5 to 2.8 s here, docs/benchmarks.md "Issue 16"). Each document is a typst template under
``templates/documents/`` (an office may put its own copy of any of them, or of the shared ``lib.typ``
letterhead, in ``<office>/templates/documents/``). The data goes in as a JSON file the template reads
(``json("data.json")``), never spliced into the template's text: a debtor named ``#set text(red)`` or ``*``
prints those characters and changes nothing else. typst reads no file but the ones handed to it here (its
project root is an empty folder; a template importing a typst package, which typst would download, is
refused), and runs no program.

An office template that fails to compile is reported (file and typst's message) and the built-in one is
used, as for the emails and the call script.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relance_tui.domain.language import DEFAULT_LANGUAGE, LANGUAGES
from relance_tui.domain.money import format_cents
from relance_tui.errors import RelanceError

# The built-in documents, by the name a plan's step gives as its template (domain/plan.py): an office may add
# its own (``<office>/templates/documents/<name>.typ``) and name it in plans.toml.
DOCUMENT_KINDS = {"reminder_letter": "Lettre de relance", "formal_notice": "Mise en demeure",
                  "statement": "Relevé de compte", "payment_plan": "Échéancier de paiement",
                  "litigation": "Dossier contentieux"}
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_PACKAGE = re.compile(rb""""@[a-z]""")  # a string naming a typst package ("@preview/..."), imported or kept
BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates" / "documents"
LIB = "lib.typ"
PICTURE_MAX_BYTES = 1_000_000  # an office's logo (SVG) handed to typst


@dataclass(frozen=True)
class DocumentPlace:
    """Where documents are made from (the office's templates) and kept (io/document_data.produce_document,
    io/letters.py, a plan email's attachment)."""

    office_dir: Path | None  # the office's templates folder
    folder: Path  # the documents kept, beside the base
    protected: Any  # io/outputs.Protected
    notice_days: int = 8

    @classmethod
    def of(cls, settings: Any, db: Path) -> DocumentPlace:
        """The office's: its templates beside ``relance.toml``, its documents beside the base ``db``."""
        from relance_tui.io.outputs import Protected

        return cls(settings.paths.office_file.parent / "templates", db.parent / "documents",
                   Protected.of_paths(settings.paths, db), settings.documents.notice_days)


class DocumentError(RelanceError):
    """A document could not be produced (the built-in template itself failed: a bug, said plainly)."""


@dataclass(frozen=True)
class Pdf:
    data: bytes
    problems: list[str] = field(default_factory=list)  # office templates ignored, and why

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _languages_of(kind: str, office_dir: Path | None) -> list[str]:
    """The languages ``kind`` has a template in, built-in or the office's, in LANGUAGES order."""
    if not _NAME.fullmatch(kind):
        return []
    out = []
    for lang in LANGUAGES:
        name = _file_name(kind, lang)
        if (BUILTIN_DIR / name).is_file() or (office_dir is not None and (office_dir / "documents" / name).is_file()):
            out.append(lang)
    return out


def _file_name(kind: str, lang: str) -> str:
    return f"{kind}.typ" if lang == DEFAULT_LANGUAGE else f"{lang}/{kind}.typ"


def document_exists(kind: str, office_dir: Path | None = None) -> bool:
    """Whether ``kind`` names a document: a built-in one, or an office's own template in any language."""
    return kind in DOCUMENT_KINDS or bool(_languages_of(kind, office_dir))


def written_in(kind: str, lang: str, office_dir: Path | None = None) -> str:
    """The language a ``kind`` document for a debtor written to in ``lang`` is made in: that one when the
    document has it, else French, else the first it has (an office's own document may exist in French only,
    or in Dutch only). A whole document is in one language: never French wording around Dutch figures."""
    have = _languages_of(kind, office_dir)
    if lang in have:
        return lang
    return DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in have or not have else have[0]


def template_name(kind: str, lang: str, office_dir: Path | None = None) -> str:
    """The template file of a document in a language: ``formal_notice.typ`` in French, ``nl/formal_notice.typ``
    in Dutch (the language the document is made in: ``written_in``)."""
    return _file_name(kind, written_in(kind, lang, office_dir))


def _main(versions: list[tuple[str, str]], office_dir: Path | None) -> bytes:
    """The entry file: the page set-up, then each document in turn, a new page each, in its language. Only
    kind names checked here (lower-case letters, digits, underscores) and language codes are written into
    it, never data."""
    unknown = [k for k, _ in versions if not document_exists(k, office_dir)]
    if unknown:
        raise DocumentError(f"document inconnu : {unknown[0]!r} (documents : {', '.join(DOCUMENT_KINDS)}, ou un "
                            "modèle du cabinet dans templates/documents/)")
    lines = ['#import "lib.typ": page-setup', "#show: page-setup"]
    lines += [f'#import "{template_name(k, lang, office_dir)}": document as doc-{k}-{lang}' for k, lang in versions]
    lines.append("#let kinds = (" + ", ".join(f'"{k}-{lang}": doc-{k}-{lang}' for k, lang in versions) + ",)")
    lines.append('#for (i, item) in json("data.json").enumerate() {\n'
                 "  if i > 0 { pagebreak() }\n"
                 "  set text(lang: item.lang)\n"
                 '  (kinds.at(item.kind + "-" + item.lang))(item.data)\n}')
    return "\n".join(lines).encode("utf-8")


OWN_LIB = "relance-lib.typ"  # the built-in letterhead, beside an office's own one that knows French only


def _sources(versions: list[tuple[str, str]], office_dir: Path | None, *,
             tier: str) -> tuple[dict[str, bytes] | None, list[Path]]:
    """The templates' files and the office files among them, by ``tier``: "office" (the office's copies
    first), "french" (the office's for the French documents; the built-in ones, with the built-in letterhead,
    for the others: an office's ``lib.typ`` from before the languages has no Dutch or English words), or
    "builtin". None when a document has no built-in template to fall back on."""
    files, office_files = {}, []
    names = [(LIB, DEFAULT_LANGUAGE),
             *dict.fromkeys((template_name(k, lang, office_dir), lang) for k, lang in versions)]
    for name, lang in names:
        use_office = tier == "office" or (tier == "french" and lang == DEFAULT_LANGUAGE)
        own = office_dir / "documents" / name if use_office and office_dir is not None else None
        if own is not None and own.is_file():
            files[name] = own.read_bytes()
            office_files.append(own)
        elif (BUILTIN_DIR / name).is_file():
            files[name] = (BUILTIN_DIR / name).read_bytes()
            if tier == "french" and lang != DEFAULT_LANGUAGE:  # our own template, our own letterhead
                files[name] = files[name].replace(b'"../lib.typ"', f'"../{OWN_LIB}"'.encode())
                files[OWN_LIB] = (BUILTIN_DIR / LIB).read_bytes()
        else:  # an office's own document, when its file failed: no built-in to fall back on
            return None, office_files
    if tier != "builtin" and office_dir is not None and (office_dir / "documents").is_dir():
        # the office's pictures (a logo), SVG only: typst is handed text files, and reads nothing else
        for lang in ("", *LANGUAGES):
            for picture in sorted((office_dir / "documents" / lang).glob("*.svg")):
                if picture.is_file() and picture.stat().st_size <= PICTURE_MAX_BYTES:
                    files[str(Path(lang, picture.name))] = picture.read_bytes()
    return files, office_files


def render_documents(items: list[tuple[str, dict]], *, office_dir: Path | None = None,
                     timestamp: dt.datetime | None = None) -> Pdf:
    """One PDF holding these documents in order: (kind, data) each, data from io/document_data.py, each in its
    language (``data["lang"]``, French when absent; see ``written_in``).

    An office template that fails is said (``Pdf.problems``) and the built-in one used: first the office's
    templates kept for the French documents only (an office letterhead written before the languages), then
    none."""
    if not items:
        raise DocumentError("aucun document à produire")
    langs = [written_in(kind, d.get("lang") if d.get("lang") in LANGUAGES else DEFAULT_LANGUAGE, office_dir)
             for kind, d in items]
    versions = list(dict.fromkeys(zip((kind for kind, _ in items), langs, strict=True)))
    data = json.dumps([{"kind": kind, "lang": lang, "data": d} for (kind, d), lang in zip(items, langs, strict=True)],
                      ensure_ascii=False).encode("utf-8")
    main = _main(versions, office_dir)
    tiers = ["office", "french", "builtin"] if any(lang != DEFAULT_LANGUAGE for _, lang in versions) \
        else ["office", "builtin"]
    failed: list[str] = []  # each tier's office files and typst's message
    for tier in tiers:
        files, office_files = _sources(versions, office_dir, tier=tier)
        if files is None:
            continue  # an office's own document, in a tier that leaves it out: said below if none works
        try:
            pdf = compile_typst({"main.typ": main, **files, "data.json": data}, timestamp)
        except DocumentError as exc:
            if not office_files:
                raise
            failed.append(f"({', '.join(str(p) for p in office_files)}) : {exc}")
            continue
        if not failed:
            return Pdf(pdf)
        but = " pour les documents en néerlandais et en anglais" if tier == "french" else ""
        return Pdf(pdf, [f"modèle du cabinet ignoré{but} {failed[0]}"])
    raise DocumentError(f"modèle du cabinet {failed[0]}" if failed else "aucun modèle pour ce document")


def compile_typst(files: dict[str, bytes], timestamp: dt.datetime | None) -> bytes:
    import typst  # on demand: 80 MB of engine, needed only when a document is made

    packages = [name for name, text in files.items() if name.endswith(".typ") and _PACKAGE.search(text)]
    if packages:  # typst would fetch it from the internet: a template uses only what relance hands it
        raise DocumentError(f"{packages[0]} : un modèle ne peut pas importer de paquet typst (« @... »)")
    try:
        stamp = (timestamp or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
        # an empty folder as the project's root and package folders: typst reads the files handed to it and
        # nothing else (by default the root is the current folder, whatever an agent runs relance from); its
        # own embedded fonts only, so a document is drawn the same on every machine
        with tempfile.TemporaryDirectory(prefix="relance-typst-") as empty:
            return typst.compile(files, root=empty, package_path=empty, package_cache_path=empty,
                                 ignore_system_fonts=True, timestamp=stamp)
    except Exception as exc:  # noqa: BLE001 - typst's compile errors (TypstError and others): said, with its text
        raise DocumentError(f"typst : {' '.join(str(exc).split())[:500]}") from None


def keep_document(pdf: Pdf, folder: Path, name: str, protected: Any) -> Path:
    """The document kept in the office's documents folder (made when missing), named by what it is and its
    digest: the same bytes, the same file. ``protected`` (io/outputs.Protected): what it must never replace."""
    from relance_tui.io.outputs import open_output_file, write_error

    path = folder / f"{name}-{pdf.sha256[:12]}.pdf"
    try:
        folder.mkdir(mode=0o770, exist_ok=True)
        if not path.exists():
            with open_output_file(path, protected, binary=True) as out:
                out.write(pdf.data)
    except OSError as exc:
        raise write_error(path, exc) from None
    return path


# What a document's template may read, with made-up values: an office's template is checked against it
# (``relance doctor``) before a letter depends on it.
_ONE = format_cents(100)
SAMPLE = {
    "kind": "", "lang": "fr", "title": "", "date": "1er janvier 2027", "agent": "Agent", "place": "Ville", "registered": True,
    "office": dict.fromkeys(("name", "address", "postcode", "city", "siren", "enterprise_number", "phone", "email",
                             "iban", "bic", "signature"), "x"),
    "debtor": dict.fromkeys(("name", "address", "postcode", "city", "siren", "enterprise_number", "code"), "x"),
    "regime": {"key": "fr_b2b", "label": "x", "court_step": "x", "country": "FR", "consumer": False,
               "penalties_automatic": True},
    "invoices": [{"number": "F-1", "issue": "01/01/2027", "due": "31/01/2027", "amount": _ONE, "balance": _ONE,
                  "days_late": 1, "penalty": format_cents(0)}],
    "invoice_ids": [1], "credit": "", "total_cents": 100, "total": _ONE, "penalties_cents": 0, "penalties": "",
    "deadline": "9 janvier 2027", "partial_payments": False, "reference": "F-1", "rate": {"label": "x", "value": "x"},
    "first_reminder": "", "grace_end": "", "qr": "",
    "lines": [{"date": "01/01/2027", "label": "x", "debit": _ONE, "credit": "", "balance": _ONE}], "to_pay": "",
    "penalties_claimed": True,
    "instalments": [{"n": 1, "due": "01/02/2027", "amount": _ONE}], "plan_total": _ONE, "rest": "",
    "acknowledgement": "x",
    "acts": [{"kind": "x", "code": "formal_notice", "day": "01/01/2027", "channel": "x", "tracking": "x", "invoices": "F-1"}],
    "contacts": [{"date": "01/01/2027 10:00", "kind": "Appel", "agent": "x", "notes": "x"}], "notice": {},
    "claim": {"principal": _ONE, "penalties": _ONE, "interest": _ONE, "indemnities": _ONE, "interest_from": "x",
              "rate": "x", "total": _ONE}, "court_place": "x", "grounds": "x",
    "exhibits": ["x"],
}


def check_office_documents(office_dir: Path) -> list[tuple[str, str | None]]:
    """Each office document template (``documents/<name>.typ`` in French, ``documents/<lang>/<name>.typ`` in
    Dutch or English: relative name, problem or None), compiled with made-up data: the letterhead with every
    built-in document, a document with the letterhead."""
    folder = office_dir / "documents"
    if not folder.is_dir():
        return []
    out: list[tuple[str, str | None]] = []
    pictures = [p.relative_to(folder) for lang in ("", *LANGUAGES) for p in sorted((folder / lang).glob("*.svg"))
                if p.is_file() and p.stat().st_size <= PICTURE_MAX_BYTES]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        name = f"documents/{relative}"
        kind = path.stem
        lang = relative.parts[0] if len(relative.parts) == 2 else DEFAULT_LANGUAGE
        # French lives at the top (documents/<name>.typ), the other languages in their folder: a fr/ folder is
        # read by nothing, and said so
        placed = len(relative.parts) == 1 or (len(relative.parts) == 2 and lang in LANGUAGES
                                              and lang != DEFAULT_LANGUAGE)
        if path.suffix == ".svg" and placed:
            continue  # a picture (a logo) the templates may show
        if (path.suffix != ".typ" or not placed
                or not (_NAME.fullmatch(kind) and (kind != "lib" or len(relative.parts) == 1))):
            out.append((name, "ni lib.typ, ni un document <nom>.typ, ni <nl|en>/<nom>.typ : fichier ignoré"))
            continue
        # the letterhead serves every document in every language
        versions = [(k, la) for la in LANGUAGES for k in DOCUMENT_KINDS] if kind == "lib" else [(kind, lang)]
        with tempfile.TemporaryDirectory() as alone:  # this file alone: a problem is its own
            (Path(alone) / "documents" / relative).parent.mkdir(parents=True)
            try:
                shutil.copyfile(path, Path(alone) / "documents" / relative)
                for picture in pictures:  # the logos it may show
                    (Path(alone) / "documents" / picture).parent.mkdir(exist_ok=True)
                    shutil.copyfile(folder / picture, Path(alone) / "documents" / picture)
                pdf = render_documents([(k, {**SAMPLE, "kind": k, "lang": la}) for k, la in versions],
                                       office_dir=Path(alone))
            except (DocumentError, OSError) as exc:
                out.append((name, str(exc)))
                continue
        out.append((name, pdf.problems[0].replace(alone, str(office_dir)) if pdf.problems else None))
    return out
