"""`read_source(path)`: any file an editor may hand the importer, read into a `Source`.

The format is told by content (magic bytes), the extension only names what a broken file was
meant to be: a ZIP holding `word/document.xml` is a .docx, one whose `mimetype` is an
OpenDocument text is an .odt, `%PDF` is a PDF, and anything else that decodes as text is
text. Legacy Word (.doc), password-protected Office files, spreadsheets, images and empty or
damaged files raise `ImportFailure` with a Traditional Chinese message saying what the file
seems to be and what to do. The readers live in `docx_reader`, `odt_reader`, `pdf_reader`
and `text_reader`; each wraps its library's errors the same way (`damaged`).
"""
from __future__ import annotations

import pathlib
import zipfile

from .source import ImportFailure, Source

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_TYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template",
             "application/vnd.oasis.opendocument.text-master")

# what a kind of file is called in messages: (zh-Hant, English)
KINDS = {
    "docx": ("Word 文件（.docx）", "Word document (.docx)"),
    "odt": ("ODT 文件（.odt）", "ODT document (.odt)"),
    "pdf": ("PDF 檔", "PDF file"),
}
SAVE_AS = "請用 Word 或 LibreOffice 開啟，以「檔案 → 另存新檔」存成 Word 文件（.docx）或 ODT（.odt）後再匯入。"


def read_source(path: pathlib.Path) -> Source:
    """The document at `path` as paragraphs and tables; `ImportFailure` if it cannot be read."""
    path = pathlib.Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"無法開啟檔案 {path}：{exc.strerror or exc}。Cannot open the file.",
                            "請確認檔名與路徑正確，且檔案沒有被其他程式鎖住。") from exc
    if not data.strip():
        raise ImportFailure("檔案是空的（0 位元組或只有空白）。The file is empty.",
                            "請確認選對了檔案；若是從網路下載的，請重新下載一次。")
    kind = sniff(path, data)
    if kind == "docx":
        from .docx_reader import read_docx
        return read_docx(path, data)
    if kind == "odt":
        from .odt_reader import read_odt
        return read_odt(path, data)
    if kind == "pdf":
        from .pdf_reader import read_pdf
        return read_pdf(path, data)
    from .text_reader import read_text
    return read_text(path, data)


def sniff(path: pathlib.Path, data: bytes) -> str:
    """"docx", "odt", "pdf" or "text"; raises `ImportFailure` for files that are none of these."""
    if data.startswith(b"PK"):
        return _sniff_zip(path, data)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(OLE2):
        raise _ole2_failure(data)
    if data.lstrip().startswith(b"{\\rtf"):
        raise ImportFailure("這是 RTF 格式的文件，匯入功能無法直接讀取。This is an RTF document.", SAVE_AS)
    for magic, name in ((b"\x89PNG", "PNG 圖片"), (b"\xff\xd8\xff", "JPEG 圖片"), (b"GIF8", "GIF 圖片"),
                        (b"II*\x00", "TIFF 圖片"), (b"MM\x00*", "TIFF 圖片"), (b"Rar!", "RAR 壓縮檔"),
                        (b"7z\xbc\xaf", "7z 壓縮檔"), (b"\x1f\x8b", "gzip 壓縮檔")):
        if data.startswith(magic):
            raise ImportFailure(f"這是{name}，不是計畫文件。This is not a document.",
                                "請匯入計畫的 Word（.docx）、ODT、PDF 檔或純文字檔；掃描圖片請先做文字辨識（OCR）。")
    return "text"


def _sniff_zip(path: pathlib.Path, data: bytes) -> str:
    import io

    meant = {".docx": "docx", ".docm": "docx", ".odt": "odt"}.get(path.suffix.lower())
    seems = KINDS[meant][0] if meant else "壓縮檔（ZIP，Word 的 .docx 與 ODT 也是 ZIP）"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip() \
                if "mimetype" in names else ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise ImportFailure(f"這個檔案看起來是{seems}，但已損壞或不完整，無法解開（{exc}）。"
                            "The file looks like a ZIP-based document but is damaged or truncated.",
                            "若是下載或複製來的，請重新取得一次；仍不行時，請用 Word 或 LibreOffice 開啟並"
                            "「另存新檔」為 .docx 或 .odt。") from exc
    if "word/document.xml" in names:
        return "docx"
    if mimetype in ODT_TYPES:
        return "odt"
    if "EncryptedPackage" in names:
        raise _protected()
    for marker, name in (("xl/workbook.xml", "Excel 試算表（.xlsx）"), ("ppt/presentation.xml", "PowerPoint 簡報（.pptx）")):
        if marker in names:
            raise ImportFailure(f"這是{name}，不是文書檔。This is not a text document.",
                                "請匯入計畫的 Word（.docx）或 ODT 文件；若計畫內容在試算表或簡報裡，請先貼到 Word 文件。")
    if mimetype.startswith("application/vnd.oasis.opendocument."):
        raise ImportFailure(f"這是 OpenDocument 的其他類型檔案（{mimetype}），不是文書檔。Not an ODF text document.",
                            "請匯入計畫的 ODT 文件（LibreOffice Writer 的 .odt）或 Word 文件（.docx）。")
    if "[Content_Types].xml" in names or meant == "docx":
        raise ImportFailure("這個檔案看起來是 Word 文件（.docx），但缺少主要內容（word/document.xml），可能已損壞。"
                            "A damaged .docx: word/document.xml is missing.",
                            "請用 Word 或 LibreOffice 開啟並「另存新檔」為 .docx 或 .odt 後再匯入。")
    if meant == "odt" or "content.xml" in names:
        raise ImportFailure("這個檔案看起來是 ODT 文件，但缺少文書檔的類型標記（mimetype），可能已損壞。"
                            "A damaged .odt: its mimetype is missing or wrong.",
                            "請用 LibreOffice 開啟並「另存新檔」為 .odt 或 .docx 後再匯入。")
    raise ImportFailure("這是一般的 ZIP 壓縮檔，不是 Word 或 ODT 文件。This is a plain ZIP archive.",
                        "請先解壓縮，再匯入其中的計畫文件（.docx、.odt、.pdf）。")


def _ole2_failure(data: bytes) -> ImportFailure:
    """An OLE2 compound file: legacy Office formats, and encrypted modern ones (stream names are UTF-16)."""
    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has("EncryptedPackage"):
        return _protected()
    if has("WordDocument"):
        name = "舊版 Word 文件（.doc，Word 97–2003 格式）"
    elif has("Workbook") or has("Book\x00"):
        name = "舊版 Excel 試算表（.xls）"
    elif has("PowerPoint Document"):
        name = "舊版 PowerPoint 簡報（.ppt）"
    else:
        name = "舊版 Office 文件（OLE2 複合文件格式）"
    return ImportFailure(f"這是{name}，匯入功能只讀 .docx、.odt、PDF 與純文字檔。Legacy Office format.", SAVE_AS)


def _protected() -> ImportFailure:
    return ImportFailure("這個 Office 文件設有密碼保護（已加密），無法讀取內容。The document is password protected.",
                         "請用 Word 或 LibreOffice 輸入密碼開啟，移除密碼後「另存新檔」為 .docx 或 .odt，再匯入。")


def damaged(kind: str, exc: BaseException) -> ImportFailure:
    """A library's error while reading a file of `kind` ("docx", "odt", "pdf") as the editor's message."""
    zh, en = KINDS[kind]
    detail = f"{type(exc).__name__}: {exc}".strip().rstrip(":")[:200]
    hint = ("請重新下載或向提供者索取原始的 Word/ODT 檔；若能用 PDF 閱讀器開啟，可另存一份新的 PDF 再匯入。"
            if kind == "pdf" else
            "請用 Word 或 LibreOffice 開啟，確認內容正常後「另存新檔」為 .docx 或 .odt，再匯入一次。")
    return ImportFailure(f"無法讀取這個{zh}：檔案可能已損壞或不完整（{detail}）。The {en} could not be read.", hint)
