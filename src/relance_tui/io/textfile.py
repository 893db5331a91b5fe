"""Opening a text export: encoding and separator detected from its head, never guessed silently."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from relance_tui.domain.text import clean

HEAD_BYTES = 256 * 1024
# The longest line read (in characters, as csv's default field limit): an accounting export's lines are a few
# hundred characters; a longer one is refused before it is held in memory.
MAX_LINE_CHARS = 128 * 1024
# The most columns a file may have (a FEC has 18; an invoice export a few dozen).
MAX_COLUMNS = 1000
# How many lines a report may have above its header (titles, company name, date, blank lines).
TITLE_SCAN = 30
SEPARATORS = {";": "point-virgule", "\t": "tabulation", "|": "barre verticale", ",": "virgule"}
ENCODING_LABELS = {"utf-8-sig": "UTF-8 avec BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252",
                   "iso-8859-15": "ISO-8859-15", "utf-16": "UTF-16"}
# Bytes 0x80-0x9F that Windows-1252 leaves undefined: a file holding them is not cp1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
# Where ISO-8859-15 differs from Latin-1/Windows-1252 with a letter French uses: € œ Œ Ÿ.
_ISO_8859_15_HINTS = {0xA4, 0xBC, 0xBD, 0xBE}


class FileProblem(ValueError):
    """The file as a whole cannot be read: empty, binary, unreadable encoding..."""


@dataclass(frozen=True)
class TextFormat:
    encoding: str
    separator: str

    def describe(self) -> str:
        return f"encodage {ENCODING_LABELS.get(self.encoding, self.encoding)}, séparateur {SEPARATORS[self.separator]}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(b"PK\x03\x04"):
        raise FileProblem("c'est un classeur Excel (.xlsx) ou une archive, pas un CSV : "
                          "enregistrez-le au format CSV depuis le tableur")
    if b"\x00" in head:
        raise FileProblem("fichier binaire (octets nuls) : ce n'est pas un export texte CSV ou FEC")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(head) == HEAD_BYTES:
            return "utf-8"  # a character cut by the end of the sample
    high = {b for b in head if b >= 0x80}
    if high & _CP1252_UNDEFINED:
        bad = min(high & _CP1252_UNDEFINED)
        line = head[: head.index(bytes([bad]))].count(b"\n") + 1
        raise FileProblem(f"encodage illisible (octet 0x{bad:02X} ligne {line}) : ni UTF-8, ni Windows-1252, "
                          "ni ISO-8859-15 ; réenregistrez le fichier en UTF-8")
    if any(0x80 <= b <= 0x9F for b in high):
        return "cp1252"
    if high & _ISO_8859_15_HINTS:
        return "iso-8859-15"
    return "cp1252"


def detect_separator(header_line: str) -> str:
    counts = {}
    for sep in SEPARATORS:
        try:
            fields = next(csv.reader([header_line], delimiter=sep), [])
        except csv.Error as exc:
            raise FileProblem(f"ligne 1 : en-tête illisible ({exc})") from None
        counts[sep] = len(fields)
    best = max(SEPARATORS, key=lambda s: counts[s])  # ties: the order of SEPARATORS
    if counts[best] < 2:
        raise FileProblem("séparateur introuvable : l'en-tête n'a qu'une colonne "
                          "(attendu ; , tabulation ou | entre les colonnes)")
    return best


def read_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except IsADirectoryError:
        raise FileProblem("c'est un dossier, pas un fichier") from None
    except FileNotFoundError:
        raise FileProblem("fichier introuvable") from None
    except PermissionError:
        raise FileProblem("fichier illisible : droits de lecture manquants") from None


def detect_format(path: Path, *, encoding: str | None = None, separator: str | None = None) -> TextFormat:
    head = read_head(path)
    if not head.strip():
        raise FileProblem("fichier vide")
    enc = encoding or detect_encoding(head)
    try:
        text = head.decode(enc, errors="strict" if len(head) < HEAD_BYTES else "ignore")
    except (UnicodeDecodeError, LookupError) as exc:
        raise FileProblem(f"encodage illisible en {enc} : {exc}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(head) == HEAD_BYTES and not any(c in text for c in "\r\n"):
        raise FileProblem(f"ligne 1 : plus de {len(text)} caractères sans fin de ligne : ce n'est pas un export "
                          "CSV ou FEC ordinaire")
    lines = [line for line in text.splitlines()[:TITLE_SCAN] if line.strip()]
    first = lines[0] if lines else ""
    if len(first) > MAX_LINE_CHARS:
        raise FileProblem(too_long(1))
    if separator is not None and separator not in SEPARATORS:
        raise FileProblem(f"séparateur {separator!r} non pris en charge (attendu : ; , tabulation |)")
    return TextFormat(enc, separator or detect_separator_below_titles(lines))


def detect_separator_below_titles(lines: list[str]) -> str:
    """The separator of the first line; for a report whose first lines are titles without any separator
    ("Balance âgée clients au 30/11/2026"), the one splitting the following lines into the most columns."""
    try:
        return detect_separator(lines[0] if lines else "")
    except FileProblem as problem:
        widest: dict[str, int] = {}
        for line in lines[1:]:
            for sep in SEPARATORS:
                try:
                    width = len(next(csv.reader([line], delimiter=sep), []))
                except csv.Error:
                    continue
                widest[sep] = max(widest.get(sep, 0), width)
        best = max(SEPARATORS, key=lambda s: widest.get(s, 0))  # ties: the order of SEPARATORS
        if widest.get(best, 0) < 2:
            raise problem from None
        return best


class Rows:
    """Streams (line number, fields) from a CSV file, every field cleaned (``domain.text.clean``: the file
    is untrusted, a control character in it must never reach a terminal); quoted line breaks are kept
    in the ``multiline`` columns (an address), spaces elsewhere."""

    def __init__(self, path: Path, fmt: TextFormat, *, multiline: Collection[int] = ()):
        self.path = path
        self.fmt = fmt
        self.multiline = frozenset(multiline)
        self.line = 0

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.fmt.encoding, errors="strict", newline="")
            reader = csv.reader(bounded_lines(text), delimiter=self.fmt.separator)
            start = 1
            try:
                for fields in reader:
                    line = start
                    start = reader.line_num + 1
                    self.line = line
                    joined = "".join(fields)
                    if clean(joined) != joined:  # rare: most rows are checked in this one pass
                        fields = [clean(f, multiline=i in self.multiline) for i, f in enumerate(fields)]
                    if not any(f.strip() for f in fields):
                        continue
                    if fields and fields[0].startswith("\ufeff"):
                        fields[0] = fields[0][1:]
                    yield line, fields
            except UnicodeDecodeError as exc:
                line, byte = _first_undecodable_line(self.path, self.fmt.encoding)
                raise FileProblem(f"ligne {line} : encodage illisible en "
                                  f"{ENCODING_LABELS.get(self.fmt.encoding, self.fmt.encoding)} ({exc.reason}, "
                                  f"octet 0x{byte:02X}) ; le début du fichier semblait pourtant "
                                  "lisible : réenregistrez-le en UTF-8") from None
            except csv.Error as exc:
                raise FileProblem(f"ligne {start} : CSV mal formé ({exc})") from None


def too_long(line: int) -> str:
    return (f"ligne {line} : plus de {MAX_LINE_CHARS} caractères : ce n'est pas un export CSV ou FEC ordinaire "
            "(ligne refusée sans être lue en entier)")


def bounded_lines(text: io.TextIOBase) -> Iterator[str]:
    """The physical lines of ``text``, each read with a length bound (memory stays small whatever the file),
    and checked: no NUL byte anywhere in the file, not only in its head."""
    number = 0
    while True:
        line = text.readline(MAX_LINE_CHARS + 2)  # + the line break (\r\n)
        if not line:
            return
        number += 1
        if len(line.rstrip("\r\n")) > MAX_LINE_CHARS:
            raise FileProblem(too_long(number))
        if "\x00" in line:
            raise FileProblem(f"ligne {number} : octet nul : fichier binaire ou corrompu, ce n'est pas un "
                              "export texte CSV ou FEC")
        yield line


def _first_undecodable_line(path: Path, encoding: str) -> tuple[int, int]:
    """The physical line and byte where decoding fails (the decoder reads ahead in chunks)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as fh:
        # bounded reads: a line longer than the bound counts as several (it is refused anyway)
        for number, raw in enumerate(iter(lambda: fh.readline(4 * MAX_LINE_CHARS), b""), start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError as exc:
                return number, raw[exc.start] if exc.start < len(raw) else 0
    return 0, 0
