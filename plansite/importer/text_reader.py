"""Plain text and saved web pages as a `Source`: one `Para` per line, blank lines kept.

Also home of the mending every reader of extracted text needs: Kangxi radicals and CJK
compatibility ideographs that a font's ToUnicode map produced instead of the ordinary
character (⾼ for 高, ⺠ for 民).
"""
from __future__ import annotations

import codecs
import html.parser
import pathlib
import re
import unicodedata

from .source import ImportFailure, Para, Source

# CJK Radicals Supplement characters have no NFKC mapping (except ⺟ and ⻳); these are the ones
# that stand for a whole character, as fonts map them (mostly C-simplified forms, then the rest).
_RADICALS = dict(zip(
    "⺠⻑⻘⻝⻄⻤⻣⻁⻗⻇⺩⺫⺬⺧⺶⻊⺝⺜⻅⻉⻋⻓⻔⻚⻛⻜⻢⻥⻦⻨⻬⻮⻰",
    "民長青食西鬼骨虎雨角王目示牛羊足月日见贝车长门页风飞马鱼鸟麦齐齿龙"))
_MENDABLE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")


def mend_radicals(text: str) -> tuple[str, int]:
    """`text` with radicals and compatibility ideographs made ordinary characters, and how many.

    Only characters in U+2E80–U+2FDF and U+F900–U+FAFF are touched: full NFKC would also make
    full-width punctuation （）： ASCII.
    """
    count = 0

    def mend(match: re.Match) -> str:
        nonlocal count
        char = match.group()
        new = _RADICALS.get(char) or unicodedata.normalize("NFKC", char)
        if new != char:
            count += 1
        return new

    return _MENDABLE.sub(mend, text), count


def radicals_repair(count: int, where: str, example: str = "") -> str:
    sample = f"（如「{example}」改為「{mend_radicals(example)[0]}」）" if example else ""
    return (f"{where}：{count} 個康熙部首或相容字元已改為一般漢字{sample}；"
            f"{count} Kangxi radical / compatibility characters replaced by ordinary ones.")


def first_mendable(text: str) -> str:
    for match in _MENDABLE.finditer(text):
        if mend_radicals(match.group())[1]:
            return match.group()
    return ""


def read_text(path: pathlib.Path, data: bytes) -> Source:
    text, encoding = decode(data)
    repairs = []
    if encoding == "cp950":
        repairs.append("檔案不是 UTF-8，已依 Big5（cp950）編碼讀入；若有亂碼請改存為 UTF-8。"
                       "Read as Big5 (cp950).")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    _refuse_binary(text)
    if _looks_like_html(text):
        lines = html_lines(text)
        repairs.append("檔案是網頁（HTML），已去掉標記、只讀入文字；表格的儲存格以定位字元（Tab）分隔。"
                       "Read as a web page: tags stripped.")
    else:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()                     # the newline that ends the last line
    if not any(line.strip() for line in lines):
        raise ImportFailure("檔案是空的（沒有任何文字）。The file has no text.",
                            "請確認選對了檔案，或從原始文件重新存一次。")
    blocks, total, example = [], 0, ""
    for number, line in enumerate(lines, 1):
        mended, count = mend_radicals(line)
        if count:
            example = example or first_mendable(line)
            total += count
        blocks.append(Para(mended, f"第 {number} 行"))
    if total:
        repairs.append(radicals_repair(total, "全文", example))
    return Source(path=path, kind="text", blocks=blocks, repairs=repairs)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: a BOM's, else UTF-8, else Big5 (cp950)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding.replace("-sig", "")), encoding
            except UnicodeDecodeError as exc:
                raise ImportFailure(
                    f"檔案開頭標示為 {encoding.upper()} 文字，但第 {exc.start + len(bom) + 1} 個位元組無法解讀。"
                    f"The file claims {encoding} but byte {exc.start + len(bom) + 1} is not valid.",
                    "請用記事本或其他編輯器開啟後，另存為 UTF-8 文字檔。") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("cp950"), "cp950"
        except UnicodeDecodeError as big5:
            raise ImportFailure(
                f"這不是能讀的文字檔：第 {utf8.start + 1} 個位元組無法以 UTF-8 解讀，"
                f"以 Big5（cp950）解讀則在第 {big5.start + 1} 個位元組出錯。"
                f"Not readable text: byte {utf8.start + 1} is not UTF-8, byte {big5.start + 1} is not Big5.",
                "若是 Word、ODT 或 PDF 檔，請確認檔案沒有損壞；若是文字檔，請另存為 UTF-8 編碼。") from None


def _refuse_binary(text: str) -> None:
    controls = sum(1 for ch in text[:100_000] if ord(ch) < 32 and ch not in "\t\n\x0b\x1a")
    if "\x00" in text or controls > max(2, len(text[:100_000]) // 100):
        raise ImportFailure("這不是文字檔，也不是 Word（.docx）、ODT 或 PDF 檔，看起來是其他程式的二進位檔。"
                            "Not a text, .docx, .odt or PDF file.",
                            "請匯入計畫的 Word（.docx）、ODT、PDF 檔，或複製出的純文字檔。")


def _looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \t\n").lower()
    return head.startswith(("<!doctype html", "<html"))


_BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
          "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
          "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot",
          "tr", "ul"}
_SKIP = {"script", "style", "noscript", "template", "title", "svg"}


class _TextOfPage(html.parser.HTMLParser):
    """Visible text of a web page: block elements end lines, table cells are tab-separated."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping = 0
        self.pre = 0
        self.ordered: list[int | None] = []   # per open list: the next number, None for <ul>

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif self.skipping:
            return
        elif tag in ("td", "th"):
            if self.lines[-1].strip():
                self.lines[-1] = self.lines[-1].rstrip() + "\t"
        elif tag in _BLOCK:
            self._break()
            if tag == "pre":
                self.pre += 1
            elif tag == "ol":
                self.ordered.append(1)
            elif tag == "ul":
                self.ordered.append(None)
            elif tag == "li" and self.ordered and self.ordered[-1] is not None:
                self.lines[-1] = f"{self.ordered[-1]}. "
                self.ordered[-1] += 1

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif self.skipping:
            return
        elif tag in _BLOCK:
            self._break()
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            elif tag in ("ol", "ul") and self.ordered:
                self.ordered.pop()

    def handle_data(self, data):
        if self.skipping:
            return
        if self.pre:
            first, *rest = data.split("\n")
            self.lines[-1] += first
            self.lines.extend(rest)
            return
        text = re.sub(r"\s+", " ", data)
        if not self.lines[-1] or self.lines[-1].endswith(("\t", " ")):
            text = text.lstrip()
        self.lines[-1] += text

    def _break(self):
        if self.lines[-1].strip():
            self.lines[-1] = self.lines[-1].strip()
            self.lines.append("")
        else:
            self.lines[-1] = ""


def html_lines(text: str) -> list[str]:
    parser = _TextOfPage()
    parser.feed(text)
    parser.close()
    lines = [line.rstrip() for line in parser.lines]
    return [line for line in lines if line.strip()]
