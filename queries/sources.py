"""Reading the files civmon imports: CSV (UTF-8, streamed in chunks) and XLSX (the first sheet, streamed), within
bounds that no real file of records comes near but a crafted one does.

A source gives its header and then its data rows in chunks of text cells with their spreadsheet row numbers;
what cannot be read is a Problem (row, column, reason) or, for the whole file, a FileProblem (one sentence).
Bounds, checked before the rows are parsed, each refused in a sentence that says what to do:
- at most MAX_COLUMNS header cells (a header of a million columns ran for minutes);
- an XLSX workbook is inspected as a ZIP first (`inspect_xlsx`): no part may inflate more than 100-fold (Apache
  POI's rule against ZIP bombs), a sheet may have at most Excel's 1,048,576 rows and MAX_COLUMNS cells a row, and
  its table of shared texts, which openpyxl holds in memory whole, must fit CIVMON_IMPORT_MEMORY_MB.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from . import settings
from .conventions import one_way

MAX_COLUMNS = 1000             # header cells: the contract's kinds have at most 25 columns, a source's own file more
MAX_XLSX_ROWS = 1_048_576      # Excel's own limit
MIN_INFLATE_RATIO = 0.01       # a part that inflates more than 100-fold is refused (Apache POI's default)
INFLATE_GRACE = 1 << 20        # … once it has inflated past 1 MB (small parts compress well and are harmless)
STRING_OVERHEAD = 64           # bytes openpyxl's list of shared texts costs per text, besides the text itself


@dataclass(frozen=True)
class Problem:
    """One reason a file is rejected; row and column are None when it concerns the whole file."""
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        where += [f"column {self.column}"] if self.column else []
        return f"{', '.join(where)}: {self.reason}" if where else self.reason



class FileProblem(Exception):
    """The file as a whole cannot be read as this kind; the message is one sentence for the user."""



_BLOCK = 1 << 20
_NOT_TEXT = ((b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?)"),
             (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
             (b"%PDF", "a PDF document"),
             (b"\xff\xfe", "UTF-16 text"), (b"\xfe\xff", "UTF-16 text"))
_SKIPPED_LINE = re.compile(r"Skipping line (\d+): expected \d+ fields, saw (\d+)")
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
_FIRST_ROW_LONGER = "Length of header or names does not match length of data"
_EXTRA = "\x00extra{}"  # pandas name of a header cell left empty after the last named column


@dataclass
class Chunk:
    """Rows of the file as text: their spreadsheet row numbers, values by header name, and
    the records that could not be split into the header's columns."""
    rows: np.ndarray
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def _digest(path: Path, check: Callable[[bytes, int], None] | None = None) -> str:
    """SHA-256 of the file, read in blocks; `check` sees each block and its offset."""
    digest, offset = hashlib.sha256(), 0
    with path.open("rb") as f:
        while block := f.read(_BLOCK):
            digest.update(block)
            if check:
                check(block, offset)
            offset += len(block)
    if check:
        check(b"", offset)
    return digest.hexdigest()


def _utf8_checker() -> Callable[[bytes, int], None]:
    """A block checker that rejects binary content and bytes that are not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = [1]

    def check(block: bytes, offset: int) -> None:
        if offset == 0:
            for magic, what in _NOT_TEXT:
                if block.startswith(magic):
                    raise FileProblem(f"The file is named .csv but is {what}; save it as CSV UTF-8"
                                       + (", or name it .xlsx." if magic == b"PK\x03\x04" else "."))
        if (nul := block.find(b"\x00")) >= 0:
            raise FileProblem(f"The file is not CSV text: it holds binary data (a NUL byte at "
                               f"position {offset + nul}); save it as CSV UTF-8.")
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as exc:
            line = lines[0] + exc.object.count(b"\n", 0, exc.start)
            raise FileProblem(f"The file is not UTF-8 text (byte 0x{exc.object[exc.start]:02X} at "
                               f"position {offset - pending + exc.start}, line {line}); "
                               "save it as CSV UTF-8.") from None
        lines[0] += block.count(b"\n")
    return check


def _sniff(path: Path) -> tuple[str, str]:
    """The file's format (csv or xlsx) and SHA-256, once its name and bytes agree."""
    if not path.is_file():
        raise FileProblem(f"There is no file {path}.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv", _digest(path, _utf8_checker())
    if suffix != ".xlsx":
        raise FileProblem(f"The file must be .csv or .xlsx, not {suffix or 'a name without an extension'}.")
    with path.open("rb") as f:
        if f.read(4) != b"PK\x03\x04":
            raise FileProblem("The file is named .xlsx but is not an Excel workbook; save it as .xlsx "
                               "from the spreadsheet, or as CSV UTF-8 named .csv.")
    digest = _digest(path)
    inspect_xlsx(path)
    return "xlsx", digest


_SAVE_AS_CSV = "save the sheet as CSV UTF-8, which civmon reads a part at a time, or split it"


def inspect_xlsx(path: Path, memory_mb: float | None = None) -> None:
    """Refuse (FileProblem) a workbook that would take openpyxl too long or too much memory to read, by inflating its
    XML parts a block at a time and counting, before any of it is parsed: a part that inflates more than 100-fold,
    a sheet of more than Excel's rows or of a row wider than MAX_COLUMNS cells, shared texts that would not fit
    CIVMON_IMPORT_MEMORY_MB. A real workbook costs one pass of inflating (about a second for 300 MB of XML)."""
    budget = (memory_mb if memory_mb is not None else float(settings.get("CIVMON_IMPORT_MEMORY_MB"))) * (1 << 20)
    try:
        with zipfile.ZipFile(path) as book:
            for info in book.infolist():
                # zipfile yields at most file_size bytes of a part (then checks its CRC), so the declared sizes
                # bound what openpyxl would parse: a bomb is refused before anything is inflated
                if not info.filename.lower().endswith(".xml") or info.file_size <= INFLATE_GRACE:
                    continue
                if info.file_size * MIN_INFLATE_RATIO > info.compress_size:
                    raise FileProblem(f"The workbook's part {info.filename} inflates more than "
                                      f"{1 / MIN_INFLATE_RATIO:.0f}-fold, which no sheet of records does: it looks "
                                      f"like a ZIP bomb and is not read. If it is a real workbook, {_SAVE_AS_CSV}.")
                if "sharedstrings" in info.filename.lower():
                    texts = _SharedTexts(budget)
                    if info.file_size > budget:
                        texts.refuse()
                    _inflate(book, info, texts)
                elif info.filename.startswith("xl/worksheets/"):
                    _inflate(book, info, _SheetShape())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise FileProblem(f"The file cannot be read as an Excel workbook ({exc.__class__.__name__}: {exc}).") from None


def _inflate(book: zipfile.ZipFile, info: zipfile.ZipInfo, counter) -> None:
    with book.open(info) as part:
        while block := part.read(_BLOCK):
            counter.add(block)


class _SheetShape:
    """Counts a sheet's rows and the cells of its current row as its XML goes by."""

    def __init__(self):
        self.rows = 0
        self.cells = 0  # in the current row
        self.row_tag = self.cell_tags = None

    def add(self, block: bytes) -> None:
        if self.row_tag is None:  # the tags as this writer spells them: <row, or <x:row with a namespace prefix
            m = re.search(rb"<(\w+:)?worksheet[\s>]", block)
            prefix = m.group(1) or b"" if m else b""
            self.row_tag, self.cell_tags = b"<" + prefix + b"row", (b"<" + prefix + b"c ", b"<" + prefix + b"c>")
        pieces = block.split(self.row_tag)
        for i, piece in enumerate(pieces):
            if i:
                self.rows += 1
                self.cells = 0
            self.cells += sum(piece.count(tag) for tag in self.cell_tags)
            if self.cells > MAX_COLUMNS:
                raise FileProblem(f"Row {max(self.rows, 1):,} of the workbook has more than {MAX_COLUMNS:,} cells; a "
                                  f"file civmon reads has at most {MAX_COLUMNS:,} columns.")
        if self.rows > MAX_XLSX_ROWS:
            raise FileProblem(f"The workbook's sheet has more than {MAX_XLSX_ROWS:,} rows, more than Excel itself "
                              "allows: it is not read.")


class _SharedTexts:
    """Estimates the memory openpyxl's list of the workbook's shared texts will take, as its XML goes by."""

    def __init__(self, budget: float):
        self.budget, self.bytes, self.texts = budget, 0, 0

    def refuse(self) -> None:
        raise FileProblem(f"The workbook's table of texts would take more than {self.budget / (1 << 20):,.0f} MB of "
                          f"memory to read (CIVMON_IMPORT_MEMORY_MB); {_SAVE_AS_CSV}.")

    def add(self, block: bytes) -> None:
        self.bytes += len(block)
        self.texts += block.count(b"<si>") + block.count(b"<si ") + block.count(b":si>") + block.count(b":si ")
        if self.bytes + STRING_OVERHEAD * self.texts > self.budget:
            self.refuse()


def _named(header: list[str]) -> list[str]:
    """Header names stripped; empty cells after the last name get placeholder names."""
    if len(header) > MAX_COLUMNS:
        raise FileProblem(f"The header has {len(header):,} columns; a file civmon reads has at most {MAX_COLUMNS:,}. "
                          "Keep only the columns of the template (or of your mapping).")
    names = [h.strip() for h in header]
    width = max((i + 1 for i, n in enumerate(names) if n), default=0)
    return names[:width] + [_EXTRA.format(i + 1) for i in range(width, len(names))]


def _has_text(path: Path) -> bool:
    """Whether the file holds anything but whitespace (to tell an empty file from a blank row 1)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return any(line.strip() for line in f)


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
    except csv.Error as exc:
        raise FileProblem(f"The header row cannot be read as CSV: {exc}.") from None
    if not any(h.strip() for h in header):
        _no_header(_has_text(path))
    return _named(header)


def _no_header(has_content: bool) -> None:
    if has_content:
        raise FileProblem("Row 1 is empty: the header must be the first row.")
    raise FileProblem("The file has no header row: it is empty.")


def _csv_chunks(path: Path, names: list[str], chunk_rows: int) -> Iterator[Chunk]:
    """The data records in chunks. pandas skips (and warns about) records with more values than
    the header; their record numbers, which pandas counts like a spreadsheet, become problems."""
    reader = pd.read_csv(path, encoding="utf-8-sig", header=0, names=names, dtype=str, na_filter=False,
                         skip_blank_lines=False, index_col=False, on_bad_lines="warn",
                         chunksize=chunk_rows)
    next_row, width = 2, len(names)
    with reader:
        while True:
            frame, error = None, None
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                try:
                    frame = next(reader)
                except StopIteration:
                    pass
                except pd.errors.ParserError as exc:
                    error = _parser_problem(exc)
            skipped = [(int(m[1]), int(m[2])) for w in caught for m in _SKIPPED_LINE.finditer(str(w.message))]
            # pandas keeps the first record but drops what it has beyond the header, saying only that data is lost
            longer = [(2, _first_record_width(path))] if next_row == 2 and any(
                _FIRST_ROW_LONGER in str(w.message) for w in caught) else []
            frame = frame if frame is not None else pd.DataFrame({n: pd.Series([], dtype=str) for n in names})
            rows = np.arange(next_row, next_row + len(frame) + len(skipped))
            rows = np.setdiff1d(rows, [r for r, _ in skipped]) if skipped else rows
            next_row += len(frame) + len(skipped)
            problems = [Problem(r, None, f"has {n} values but the header has {width} columns")
                        for r, n in skipped + longer] + ([error] if error else [])
            yield Chunk(rows, frame, problems)
            if error or (not len(frame) and not skipped):
                return


def _first_record_width(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        return len(next(reader, []))


def _parser_problem(exc: Exception) -> Problem:
    if m := _OPEN_QUOTE.search(str(exc)):
        return Problem(int(m[1]) + 1, None, "a quoted value starts here and is never closed")
    return Problem(None, None, f"The file cannot be read as CSV: {exc}")


def _cell_text(value) -> str:
    """An XLSX cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):  # a number cell is a number: written so that it reads one way (conventions)
        return str(int(value)) if value.is_integer() else one_way(repr(value))
    return str(value)


class _Workbook:
    """The first sheet of an XLSX file, streamed with openpyxl's read-only mode."""

    def __init__(self, path: Path):
        import openpyxl
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            sheet = self._book.worksheets[0]
            sheet.reset_dimensions()  # some writers record a wrong sheet size
            self._rows = sheet.iter_rows(values_only=True)
            first = next(self._rows, None)
        except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
            raise FileProblem("The file cannot be read as an Excel workbook "
                               f"({exc.__class__.__name__}: {exc}).") from None
        header = [_cell_text(v) for v in first or ()]
        if not any(h.strip() for h in header):
            has_rows = first is not None or next(self._rows, None) is not None
            self._book.close()
            _no_header(has_rows)
        self.header = _named(header)

    def chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        width, batch, rows, problems = len(self.header), [], [], []
        try:
            for number, values in enumerate(self._rows, start=2):
                texts = [_cell_text(v) for v in values]
                if any(texts[width:]):
                    problems.append(Problem(number, None, "has values to the right of the last header column"))
                batch.append(texts[:width] + [""] * (width - len(texts)))
                rows.append(number)
                if len(batch) >= chunk_rows:
                    yield Chunk(np.array(rows), pd.DataFrame(batch, columns=self.header, dtype=str), problems)
                    batch, rows, problems = [], [], []
        except Exception as exc:
            raise FileProblem(f"The workbook cannot be read ({exc.__class__.__name__}: {exc}).") from None
        finally:
            self._book.close()
        yield Chunk(np.array(rows, dtype=int), pd.DataFrame(batch or None, columns=self.header, dtype=str), problems)


class _CsvFile:
    def __init__(self, path: Path):
        self.path = path
        self.header = _csv_header(path)

    def chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        return _csv_chunks(self.path, self.header, chunk_rows)



def open_source(path: Path) -> tuple[str, _CsvFile | _Workbook]:
    """The file's SHA-256 and a reader for its header and chunks."""
    fmt, digest = _sniff(path)
    return digest, (_CsvFile(path) if fmt == "csv" else _Workbook(path))


