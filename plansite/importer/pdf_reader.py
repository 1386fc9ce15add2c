"""PDF files as a `Source`: per page, top to bottom, ruled tables and the text lines around them.

pdfplumber finds the ruled tables (`find_tables`); a cell's `paras` are its visual lines (the
parser re-joins them), text outside the tables becomes one `Para` per line. What PDF
extraction breaks is mended and reported in `Source.repairs`, page by page:

- Kangxi radicals and CJK compatibility ideographs from fonts' ToUnicode maps (⾼ → 高);
- text drawn twice on overlaid layers (`dedupe_chars`);
- a table running over several pages becomes one `Table`: consecutive page tables with the
  same number of columns and nothing but page numbers between them are merged, a repeated
  header row is dropped, and cells of a merged column that continue on the next page stay the
  same `Cell`. On the next page's first row, where the cells above reach the bottom of the
  previous page's table, a cell whose sentence was visibly cut (full-width last lines going on
  mid-sentence) is joined to the cell above. The whole row is joined to the row above when only
  one of its last two columns holds text (the rest of a long cell), or when a cell was cut and
  either the last column is empty or no other cell starts afresh (a numbered point after a
  finished sentence); otherwise it is a new row sharing the cut cells;
- pdfplumber's `None` positions (covered by a merged cell) become the `Cell` covering them:
  the cell to the left whose box reaches over the position, else the cell above; rows with
  no text at all (slivers between misaligned rules) are dropped;
- a full-width row above the header row (Chromium draws the page's text inside the table's
  frame) or at the very end of a table is running text: its lines become `Para`s.

Encrypted PDFs needing a password and PDFs without any text layer (scans) raise `ImportFailure`.
"""
from __future__ import annotations

import io
import logging
import pathlib
import re
import unicodedata
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from .source import Cell, ImportFailure, Para, Source, Table
from .sources import damaged
from .text_reader import first_mendable, mend_radicals, radicals_repair

PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*頁(?:\s*[，,]?\s*共\s*\d+\s*頁)?|[-－—]\s*\d+\s*[-－—]|\d{1,3}|"
                         r"\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)\s*$", re.IGNORECASE)
Box = tuple[float, float, float, float]          # x0, top, x1, bottom


@dataclass
class _PageTable:
    bbox: Box
    sizes: list[float]                            # font size of each character inside
    texts: list[list[str | None]]                 # pdfplumber's extract(): None where a merged cell covers
    boxes: list[list[Box | None]]


@dataclass
class _Page:
    number: int
    chars: int
    duplicates: int
    tables: list[_PageTable]
    lines: list[tuple[str, float]]                # text outside the tables, with its top


def read_pdf(path: pathlib.Path, data: bytes) -> Source:
    pages = _load(data)
    if not any(page.chars for page in pages):
        raise ImportFailure("這是掃描影像的 PDF，沒有文字層，無法讀出文字。This PDF is a scan without a text layer.",
                            "請改用原始的 Word/ODT 檔，或先做文字辨識（OCR）再匯入。")
    builder = _Builder()
    for page in pages:
        builder.page(page)
    builder.close()
    return Source(path=path, kind="pdf", blocks=builder.blocks, repairs=builder.report(pages))


def _load(data: bytes) -> list[_Page]:
    noise = logging.getLogger("pdfminer")
    level = noise.level
    noise.setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False) as pdf:
            return [_read_page(page) for page in pdf.pages]
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if isinstance(inner, PDFPasswordIncorrect):
            raise ImportFailure("這個 PDF 設有開啟密碼，無法讀取。The PDF needs a password.",
                                "請先移除密碼保護或另存為未加密的 PDF（用 PDF 閱讀器輸入密碼開啟後另存新檔），再匯入。") from exc
        if isinstance(inner, PDFEncryptionError):
            raise ImportFailure("這個 PDF 經過加密，無法讀取。The PDF is encrypted.",
                                "請先移除密碼保護或另存為未加密的 PDF，再匯入。") from exc
        raise damaged("pdf", inner) from exc
    except (PSException, MalformedPDFException, ValueError, KeyError, TypeError, IndexError, EOFError) as exc:
        raise damaged("pdf", exc) from exc
    except Exception as exc:   # anything else pdfminer/pdfplumber raise on a broken file
        raise damaged("pdf", exc) from exc
    finally:
        noise.setLevel(level)


def _read_page(page) -> _Page:
    """What the page holds, as plain data; nothing but pdfplumber calls."""
    raw = len(page.chars)
    clean = page.dedupe_chars()
    found = clean.find_tables()
    frames = [t.bbox for t in found]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in frames)

    return _Page(number=page.page_number, chars=len(clean.chars), duplicates=raw - len(clean.chars),
                 tables=[_PageTable(t.bbox, [ch.get("size") or 0.0 for ch in clean.within_bbox(t.bbox).chars],
                                    t.extract(), [list(row.cells) for row in t.rows]) for t in found],
                 lines=[(line["text"], line["top"]) for line in clean.filter(outside).extract_text_lines()])


def _font_size(sizes: list[float]) -> float:
    """The size most of the text is in (the median)."""
    sizes = sorted(size for size in sizes if size > 0)
    return sizes[len(sizes) // 2] if sizes else 0.0


def _squash(texts) -> list[str]:
    return [re.sub(r"\s+", "", t or "") for t in texts]


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


MARKER = re.compile(r"^\s*(?:[(（]?[0-9０-９一二三四五六七八九十]+[)）、.．]|[•・-])")


def _cut_sentence(before: list[str], box: Box | None, size: float, after: str) -> bool:
    """Whether a Chinese sentence was cut by the page break: the cell above ends with lines that fill
    its width (its last two, or its only one), the last ending in a character or comma, and the new
    text starts with a character (not a list marker)."""
    if not before or box is None or not size or MARKER.match(after):
        return False
    last, head = before[-1].strip(), after.lstrip()[:1]
    if not last or not head or not (_ideograph(last[-1]) or last[-1] in "，、") or not _ideograph(head):
        return False
    def full(line: str) -> bool:
        width = sum(size if unicodedata.east_asian_width(ch) in "WF" else size / 2 for ch in line.strip())
        return width >= (box[2] - box[0]) - 2.5 * size

    return all(full(line) for line in before[-2:])


def _fresh_start(before: list[str], after: str) -> bool:
    """The cell above ends a sentence and the new one starts a numbered point: a new row's cell."""
    return bool(before) and before[-1].rstrip().endswith(("。", "！", "？")) and bool(MARKER.match(after))


def _ideograph(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _pages_label(pages) -> str:
    """第 1–3、5 頁"""
    pages = sorted(set(pages))
    runs: list[list[int]] = []
    for p in pages:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return "第 " + "、".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs) + " 頁"


@dataclass
class _Row:
    page: int
    texts: list[str | None]
    boxes: list[Box | None]

    @property
    def empty(self) -> bool:
        return not any(t and t.strip() for t in self.texts)

    @property
    def spanning(self) -> bool:
        """One cell over the whole width, the others covered by it."""
        return len(self.texts) > 1 and self.texts[0] is not None and all(t is None for t in self.texts[1:])


@dataclass
class _Chain:
    """A table being assembled from the page tables it runs over."""

    number: int
    ncols: int
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    bottom: float = 0.0                                      # the last page table's bottom
    size: float = 0.0                                        # and its font size
    boxes: dict[int, tuple[int, Box]] = field(default_factory=dict)   # id(cell) -> page, box there
    tail: list[_Row] = field(default_factory=list)          # full-width rows at the end, maybe running text
    between: list[Para] = field(default_factory=list)       # page numbers between the page tables
    headers_dropped: int = 0


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Para | Table] = []
        self.chain: _Chain | None = None
        self.tables = 0
        self.line_numbers: dict[int, int] = {}
        self.radicals: dict[int, int] = {}
        self.example = ""
        self.joined_rows: list[int] = []
        self.text_rows: list[int] = []
        self.merged: list[tuple[int, list[int], int]] = []

    def mend(self, text: str | None, page: int) -> str | None:
        if text is None:
            return None
        mended, count = mend_radicals(text)
        if count:
            self.radicals[page] = self.radicals.get(page, 0) + count
            self.example = self.example or first_mendable(text)
        return mended

    def para(self, text: str, page: int) -> Para:
        self.line_numbers[page] = self.line_numbers.get(page, 0) + 1
        return Para(text, f"第 {page} 頁第 {self.line_numbers[page]} 行")

    def page(self, page: _Page) -> None:
        items = [(top, 1, line) for line, top in page.lines] + [(t.bbox[1], 0, t) for t in page.tables]
        for _, _, item in sorted(items, key=lambda i: (i[0], i[1])):
            if isinstance(item, str):
                text = self.mend(item, page.number)
                if not text.strip():
                    continue
                if self.chain is not None and PAGE_NUMBER.match(text):
                    self.chain.between.append(self.para(text, page.number))
                    continue
                self.close()
                self.blocks.append(self.para(text, page.number))
            else:
                self.table(page.number, item)

    def table(self, page: int, found: _PageTable) -> None:
        rows = [_Row(page, [self.mend(t, page) for t in texts], list(boxes))
                for texts, boxes in zip(found.texts, found.boxes)]
        rows = [row for row in rows if not row.empty]
        if not rows:
            return
        ncols = max(len(row.texts) for row in rows)
        chain = self.chain
        follows = chain is not None and chain.ncols == ncols and chain.pages[-1] == page - 1
        lead = 0
        while lead < len(rows) and rows[lead].spanning:
            lead += 1
        if lead and lead < len(rows):
            header = rows[lead]
            full = all(t and t.strip() for t in header.texts)
            if full and (not follows or _squash(header.texts) == chain.header):
                self.close()
                self.text_rows.append(page)
                for row in rows[:lead]:
                    self.blocks += [self.para(line, page) for line in _lines(row.texts[0])]
                rows, follows = rows[lead:], False
        tail = len(rows)
        while tail > 0 and rows[tail - 1].spanning:
            tail -= 1
        if tail == 0:                     # all rows full width: a framed box, kept as a table
            tail = len(rows)
        if follows:
            self.extend(chain, rows[:tail], page, found.bbox)
        else:
            self.close()
            self.tables += 1
            chain = self.chain = _Chain(self.tables, ncols, _squash(rows[0].texts))
            self.add_rows(chain, rows[:tail])
        chain.pages.append(page)
        chain.bottom, chain.size = found.bbox[3], _font_size(found.sizes)
        chain.tail = rows[tail:]

    def extend(self, chain: _Chain, rows: list[_Row], page: int, bbox: Box) -> None:
        """The next page's part of the table: its header dropped, a split row joined to the one above."""
        self.add_rows(chain, chain.tail)
        chain.tail = []
        if rows and _squash(rows[0].texts) == chain.header:
            chain.headers_dropped += 1
            rows = rows[1:]
        if not rows or not chain.rows:
            self.add_rows(chain, rows)
            return
        first, above = rows[0], chain.rows[-1]
        filled = [c for c, t in enumerate(first.texts) if t and t.strip()]
        carried = {c: above[c] for c in range(filled[0]) if c < len(above) and above[c].paras}
        cut: list[int] = []
        if all(c < len(above) and self.reaches_bottom(chain, above[c]) for c in filled):
            cut = [c for c in filled
                   if _cut_sentence(above[c].paras, chain.boxes[id(above[c])][1], chain.size, first.texts[c])]
            rest_only = len(filled) == 1 and 0 < filled[0] >= chain.ncols - 2     # the rest of one long cell
            fresh = any(c not in cut and _fresh_start(above[c].paras, first.texts[c]) for c in filled)
            if rest_only or (cut and (not fresh or not (first.texts[-1] or "").strip())):
                cut = filled                    # the whole row is the rest of the row above
        for c in cut:
            above[c].paras += _lines(first.texts[c])
            carried[c] = above[c]
        if cut:
            self.joined_rows.append(page)
        if cut == filled:
            for c, box in enumerate(first.boxes):
                if c < len(above) and box is not None:
                    chain.boxes[id(above[c])] = (page, box)
            self.add_rows(chain, rows[1:])
        else:   # a new row; merged cells of the leading columns and cut sentences go on over the page break
            for c in cut:
                first.texts[c] = ""
            self.add_rows(chain, rows, carried)

    @staticmethod
    def reaches_bottom(chain: _Chain, cell: Cell) -> bool:
        page, box = chain.boxes.get(id(cell), (0, None))
        return box is not None and page == chain.pages[-1] and box[3] >= chain.bottom - 3

    def add_rows(self, chain: _Chain, rows: list[_Row], carried: dict[int, Cell] | None = None) -> None:
        columns: dict[int, tuple[float, float]] = {}
        for row in rows:
            for c, box in enumerate(row.boxes):
                if box is not None and c not in columns:
                    columns[c] = (box[0], box[2])
        for r, row in enumerate(rows):
            cells: list[Cell] = []
            above = chain.rows[-1] if chain.rows else []
            for c, (text, box) in enumerate(zip(row.texts, row.boxes)):
                where = f"表格 {chain.number} 第 {len(chain.rows) + 1} 列第 {c + 1} 欄（第 {row.page} 頁）"
                if r == 0 and carried and c in carried:
                    cell = carried[c]
                elif text is None:
                    cell = self.covering(row, cells, c, columns) or (above[c] if c < len(above) else None) \
                        or (cells[-1] if cells else Cell([], where))
                else:
                    cell = Cell(_lines(text), where)
                if box is not None:
                    chain.boxes[id(cell)] = (row.page, box)
                cells.append(cell)
            chain.rows.append(cells)

    @staticmethod
    def covering(row: _Row, cells: list[Cell], c: int, columns) -> Cell | None:
        """The cell to the left in the same row whose box reaches over column `c`."""
        if c not in columns:
            return None
        middle = sum(columns[c]) / 2
        for k in range(c - 1, -1, -1):
            if row.texts[k] is not None and row.boxes[k] is not None:
                return cells[k] if row.boxes[k][2] > middle else None
        return None

    def close(self) -> None:
        chain, self.chain = self.chain, None
        if chain is None:
            return
        self.blocks.append(Table(chain.rows, f"表格 {chain.number}（{_pages_label(chain.pages)}）"))
        if len(chain.pages) > 1:
            self.merged.append((chain.number, chain.pages, chain.headers_dropped))
        for row in chain.tail:
            self.text_rows.append(row.page)
            self.blocks += [self.para(line, row.page) for line in _lines(row.texts[0])]
        self.blocks += chain.between

    def report(self, pages: list[_Page]) -> list[str]:
        out = []
        if self.radicals:
            out.append(radicals_repair(sum(self.radicals.values()), _pages_label(self.radicals), self.example))
        doubled = {page.number: page.duplicates for page in pages if page.duplicates}
        if doubled:
            out.append(f"{_pages_label(doubled)}：重疊印出的重複文字已去掉（共 {sum(doubled.values())} 個字元）。"
                       "Duplicate characters from overlaid text removed.")
        for number, spanned, headers in self.merged:
            dropped = f"，略去 {headers} 個重複的表頭列" if headers else ""
            out.append(f"{_pages_label(spanned)}：跨頁的表格已合併為表格 {number}{dropped}。"
                       "A table continued over pages was merged.")
        if self.joined_rows:
            out.append(f"{_pages_label(self.joined_rows)}：跨頁斷開的表格列已接回上一頁。"
                       "Table rows split by a page break were joined.")
        if self.text_rows:
            out.append(f"{_pages_label(self.text_rows)}：表格框線內整列橫跨的文字不是表格內容，已改為段落。"
                       "Full-width running text inside a table frame read as paragraphs.")
        blank = [page.number for page in pages if not page.chars]
        if blank:
            out.append(f"{_pages_label(blank)}沒有文字層（可能是掃描影像），這幾頁的內容沒有讀入。"
                       "Pages without a text layer were skipped.")
        return out
