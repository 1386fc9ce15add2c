"""Read one YAML file safely, keeping the line and column of every key and value.

What this reader refuses, each with a message for editors (PyYAML alone would accept
most of these silently): bytes that are not UTF-8 (a UTF-8 BOM is fine), duplicate keys,
anchors and aliases, explicit tags, non-string keys, tabs in indentation.
Scalars get YAML 1.2 core types only: `true`/`false`, decimal integers and `null`;
everything else (`no`, `on`, `1.1`, `2025-01-15`, `12:30`) stays a string, so a field
gets exactly the type the schema asks for or a clear error.
"""
from __future__ import annotations

import functools
import hashlib
import json
import pathlib
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import PlanError, Pos

PathKey = tuple  # a path of keys and indexes from the root, e.g. ("content", "pillars", 0)

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
MAX_BYTES = 1024 * 1024   # 40 times the largest seed plan; anything bigger is a pasted or wrong file
MAX_DEPTH = 40            # nesting levels (a plan needs about 10); deeper input would exhaust the stack


@dataclass
class Doc:
    """A loaded YAML file: plain Python data, and where each part of it came from."""

    path: pathlib.Path
    data: Any
    lines: list[str]
    value_pos: dict[PathKey, Pos] = field(default_factory=dict)
    key_pos: dict[PathKey, Pos] = field(default_factory=dict)
    data_packed: bytes | None = field(default=None, repr=False)   # `data` packed (`pack`), when at hand

    def packed(self) -> bytes:
        """`data` as `pack` gives it: what .cache/docs keeps, and what a plan keeps (Plan.raw_packed)."""
        if self.data_packed is None:
            self.data_packed = pack(self.data)
        return self.data_packed

    def pos(self, path: PathKey = ()) -> Pos:
        """Where the value at `path` starts (or its nearest existing parent)."""
        path = tuple(path)
        while path not in self.value_pos and path:
            path = path[:-1]
        return self.value_pos.get(path, Pos(self.path, 1, 1))

    def key(self, path: PathKey) -> Pos:
        """Where the key naming `path` starts; the value's place for list items."""
        return self.key_pos.get(tuple(path)) or self.pos(path)

    @functools.cached_property
    def digest(self) -> str:
        """A fingerprint of the file's text: the preview re-renders a page only when the texts behind it change."""
        return hashlib.blake2b("\n".join(self.lines).encode("utf-8"), digest_size=16).hexdigest()


def _paths(data: Any) -> tuple[list[PathKey], list[PathKey]]:
    """Every value's path and every mapping key's path, in document order: the order both readers
    record positions in (tests/unit/test_yaml_fast.py)."""
    values: list[PathKey] = []
    keys: list[PathKey] = []
    _walk(data, (), values, keys)
    return values, keys


def _walk(value: Any, path: PathKey, values: list[PathKey], keys: list[PathKey]) -> None:
    # a module function, not a closure calling itself: that closure is a reference cycle, which kept
    # each file's paths alive until the cycle collector came by (650,000 tuples at 1,000 plans)
    values.append(path)
    if type(value) is dict:
        for key, item in value.items():
            keys.append(path + (key,))
            _walk(item, path + (key,), values, keys)
    elif type(value) is list:
        for index, item in enumerate(value):
            _walk(item, path + (index,), values, keys)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pack(value: Any) -> bytes:
    """JSON-able data as compact JSON, deflated (zlib level 1): a fifth of the memory of the JSON
    text and a small part of that of the objects (5,000 plans: 35 MB, not 86 MB or 250 MB)."""
    return zlib.compress(json_bytes(value), 1)


def unpack(packed: bytes) -> Any:
    """The data `pack` packed."""
    return json.loads(zlib.decompress(packed))


def to_json(doc: Doc) -> tuple[bytes, bytes] | None:
    """The parsed file as plain JSON for .cache/docs: its data (packed: `pack`), and the line and
    column of every value and key in document order. None when the positions are not exactly one per path in that order
    (then the file is simply parsed again next time)."""
    values, keys = _paths(doc.data)
    if list(doc.value_pos) != values or list(doc.key_pos) != keys:
        return None
    flat = [n for pos in doc.value_pos.values() for n in (pos.line, pos.col)]
    flat_keys = [n for pos in doc.key_pos.values() for n in (pos.line, pos.col)]
    return doc.packed(), json_bytes([flat, flat_keys])


def from_json(path: pathlib.Path, text: str, packed: bytes, places: bytes) -> Doc | None:
    """The Doc to_json wrote (`packed`, `places`), for the file at `path` whose text is `text`; None if
    it does not fit. The packed data is kept with it (Doc.data_packed): a plan keeps it, not the data."""
    try:
        data = unpack(packed)
        flat, flat_keys = json.loads(places)
        values, keys = _paths(data)
        if len(flat) != 2 * len(values) or len(flat_keys) != 2 * len(keys):
            return None
        lines = iter(flat)
        value_pos = {p: Pos(path, line, col) for p, line, col in zip(values, lines, lines)}
        lines = iter(flat_keys)
        key_pos = {p: Pos(path, line, col) for p, line, col in zip(keys, lines, lines)}
    except (ValueError, TypeError, zlib.error):
        return None
    return Doc(path=path, data=data, lines=text.splitlines(), value_pos=value_pos, key_pos=key_pos,
               data_packed=packed)


class _Loader(yaml.SafeLoader):
    """A composer that refuses anchors, aliases, tags and runaway nesting before they are resolved.

    The reference route: every file whose libyaml fast route (`_load_events`) bails out is read
    here, so every message an editor sees comes from this route."""

    depth = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        event = self.peek_event()
        if self.depth >= MAX_DEPTH:
            raise _Refused(event.start_mark, f"巢狀層次太深（超過 {MAX_DEPTH} 層）。",
                           "計畫檔只需要約 10 層縮排或括號；請檢查是否多了「[」「{」或縮排，或誤貼了其他資料。"
                           " Nesting too deep.")
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "不支援 YAML 錨點與別名（& 與 *）；請把內容直接寫出來。",
                           "每個值請直接寫出，不要用 & 或 * 引用其他地方。 Anchors and aliases are not allowed.")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":  # PyYAML leaves tag None unless the file wrote one
            raise _Refused(event.start_mark, f"不支援 YAML 標籤（{tag}）；請移除「!」開頭的標記。",
                           "YAML 標籤可能讓檔案執行非預期的動作，請直接寫文字。 Explicit tags are not allowed.")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Refused(Exception):
    def __init__(self, mark, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


def read_text(path: pathlib.Path) -> str:
    """The file's text as UTF-8, or a PlanError that says what the encoding looks like."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
            size = max(len(raw), path.stat().st_size)
    except OSError as exc:
        raise PlanError(Pos(path), f"無法讀取檔案（{exc.strerror}）。",
                        "請確認檔案存在、沒有被其他程式鎖定，且您有讀取權限。 Cannot read the file.") from None
    if size > MAX_BYTES:
        raise PlanError(Pos(path), f"檔案太大（{size / 1024 / 1024:.1f} MB）；計畫、機關與架構檔最大 {MAX_BYTES // 1024 // 1024} MB。",
                        "最大的實際計畫檔約 30 KB；請確認這是正確的檔案，沒有誤貼大量文字或其他資料。"
                        " File too large.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError(Pos(path), "檔案是 UTF-16 編碼；本系統只讀 UTF-8。",
                        "請用編輯器「另存新檔」並選擇 UTF-8 編碼。 Re-save the file as UTF-8.")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")) + 1
        guess = ""
        for enc, label in (("cp950", "Big5"), ("gb18030", "GB18030")):
            try:
                raw.decode(enc)
                guess = f"，看起來是 {label} 編碼（舊版編輯器常見）"
                break
            except UnicodeDecodeError:
                continue
        raise PlanError(Pos(path, line, col), f"檔案不是 UTF-8 編碼{guess}。",
                        "請用編輯器「另存新檔」並選擇 UTF-8 編碼。 Re-save the file as UTF-8.") from None
    return text


def load(path: pathlib.Path, text: str | None = None) -> Doc:
    """Load one YAML file (whose text, if already read, is `text`) into a Doc, or raise PlanError
    with file:line:column."""
    text = read_text(path) if text is None else text
    lines = text.splitlines()
    tab = _tab_indent(lines)
    if tab:
        raise PlanError(Pos(path, tab, 1), "縮排使用了 Tab 字元；YAML 只能用空白縮排。",
                        "請把行首的 Tab 換成空白（建議每層兩個空白）。 Indent with spaces, not tabs.")
    doc = _load_events(path, text, lines)
    if doc is not None:
        return doc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except _Refused as exc:
        raise PlanError(_pos(path, exc.mark), exc.message, exc.hint) from None
    except yaml.MarkedYAMLError as exc:
        raise _located(path, lines, exc) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        mark = getattr(exc, "position", None)
        pos = Pos(path)
        if mark is not None:
            before = text[:mark]
            pos = Pos(path, before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1)
        raise PlanError(pos, "檔案含有不能使用的控制字元。",
                        "請刪除這個看不見的字元後再存檔。 Remove the control character.") from None
    if node is None:
        raise PlanError(Pos(path), "檔案是空的。", "請參考 README 的範例填寫內容。")
    doc = Doc(path=path, data=None, lines=lines)
    doc.data = _convert(node, (), doc)
    return doc


_LIBYAML = getattr(yaml, "__with_libyaml__", False)
# what only the Python route judges exactly: characters the reader refuses, line breaks beyond \n and \r\n
_BLOCK_COMMENT = re.compile(r"[|>][0-9+-]*#")
_NOT_FAST = re.compile(yaml.reader.Reader.NON_PRINTABLE.pattern + "|[\t\x85\u2028\u2029\ufeff]")


class _Bail(Exception):
    """Something the fast route leaves to the Python route, which says exactly what is wrong."""


def _load_events(path: pathlib.Path, text: str, lines: list[str]) -> Doc | None:
    """The Doc the Python route makes, built straight from libyaml's parse events (about 20× faster:
    no node tree, no tag resolver); None for anything unusual, which the Python route then reads and
    reports. tests/unit/test_yaml_fast.py compares both routes on every YAML file in the project."""
    if not _LIBYAML or _NOT_FAST.search(text) or ("?" in text and ("[" in text or "{" in text)) \
            or _BLOCK_COMMENT.search(text):
        return None   # libyaml also takes a "?" inside [ ] and { }, and "|#", that PyYAML refuses
    doc = Doc(path=path, data=None, lines=lines)
    stack: list[list] = []   # open collections: [value, path, key waiting for its value (mappings)]
    root: list = []
    documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            kind = type(event)
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
                _attach(stack, root, value)
                continue
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Bail
                continue
            if kind is not yaml.ScalarEvent and kind is not yaml.MappingStartEvent and kind is not yaml.SequenceStartEvent:
                if kind is yaml.AliasEvent:
                    raise _Bail
                continue   # stream and document boundaries
            if event.anchor is not None or (event.tag is not None and event.tag != "!") or len(stack) >= MAX_DEPTH:
                raise _Bail
            top = stack[-1] if stack else None
            if top is not None and type(top[0]) is dict and top[2] is None:   # a mapping key
                if kind is not yaml.ScalarEvent:
                    raise _Bail
                key = event.value
                if not event.style:
                    typed = _typed(key)
                    if typed is not None and not isinstance(typed, str):
                        raise _Bail
                if key == "<<" or key in top[0]:
                    raise _Bail
                doc.key_pos[top[1] + (key,)] = Pos(path, event.start_mark.line + 1, event.start_mark.column + 1)
                top[2] = key
                continue
            here = () if top is None else top[1] + ((len(top[0]),) if type(top[0]) is list else (top[2],))
            doc.value_pos[here] = Pos(path, event.start_mark.line + 1, event.start_mark.column + 1)
            if kind is yaml.ScalarEvent:
                if not event.style:
                    end = event.end_mark
                    if end.line < len(lines):
                        rest = lines[end.line][end.column:]
                        if rest.startswith(" #") and len(rest) > 2 and rest[2:3] not in ("", " "):
                            raise _Bail   # text after " #": the Python route explains
                _attach(stack, root, event.value if event.style else _typed(event.value))
            else:
                stack.append([{} if kind is yaml.MappingStartEvent else [], here, None])
    except (yaml.YAMLError, _Bail):
        return None
    if not root:
        return None   # an empty file
    doc.data = root[0]
    return doc


def _attach(stack: list[list], root: list, value: Any) -> None:
    if not stack:
        root.append(value)
        return
    top = stack[-1]
    if type(top[0]) is list:
        top[0].append(value)
    else:
        top[0][top[2]] = value
        top[2] = None


def _tab_indent(lines: list[str]) -> int:
    for number, line in enumerate(lines, 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip() and not line.lstrip().startswith("#"):
            return number
    return 0


def _pos(path: pathlib.Path, mark) -> Pos:
    if mark is None:
        return Pos(path)
    return Pos(path, mark.line + 1, mark.column + 1)


_KEY_LINE = re.compile(r"^(\s*)(- )?[^\s#'\"][^:#]*:(\s|$)")
_OPEN_QUOTE = re.compile(r"^\s*(- )?([^:#]+:\s+)?(\"|')")
_FOUND = re.compile(r"found '(.*)'|but got '(.*)'|found character '(.*)' that")


def _located(path: pathlib.Path, lines: list[str], exc: yaml.MarkedYAMLError) -> PlanError:
    """A parse error at the place the editor has to fix, which is not always where PyYAML stopped."""
    mark = exc.problem_mark or exc.context_mark
    pos = _pos(path, mark)
    # An unclosed quote swallows the following lines; point at the line that opened it.
    for number in range(1, min(pos.line, len(lines)) + 1):
        line = lines[number - 1]
        match = _OPEN_QUOTE.match(line)
        if match:
            quote = match.group(3)
            rest = line[match.end():]
            if quote not in rest.replace('\\"', ""):
                return PlanError(Pos(path, number, match.end(3)), "引號沒有成對：這一行的引號沒有結束。",
                                 f"請在文字結尾補上 {quote}，或拿掉開頭的引號。 Unclosed quote.")
    # A key indented deeper than the key-value line above it reads as a colon problem to PyYAML.
    if "mapping values are not allowed" in (exc.problem or "") and 1 < pos.line <= len(lines):
        here = lines[pos.line - 1]
        above = next((l for l in reversed(lines[: pos.line - 1]) if l.strip() and not l.lstrip().startswith("#")), "")
        here_key, above_key = _KEY_LINE.match(here), _KEY_LINE.match(above)
        if here_key and above_key and len(here_key.group(1)) > len(above_key.group(1)) and above.rstrip()[-1:] != ":":
            return PlanError(Pos(path, pos.line, len(here_key.group(1)) + 1), "縮排不一致：這一行比上一行多了縮排。",
                             "同一層的欄位請對齊（只有在上一行以「:」結尾時才縮排）；或者，若這是上一行文字的一部分，"
                             "請把它接回上一行並用引號把整段文字包起來。 Inconsistent indentation.")
    where, message, hint = _explain(exc, lines)
    return PlanError(_pos(path, where) if where is not None else pos, message, hint)


def _indent_advice(lines: list[str], here, opened) -> str:
    """Which columns the misaligned line could start at: the line above, or where its level began."""
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" ")) + 1

    if here is None or not 0 <= here.line < len(lines):
        return "同一層的欄位請用空白對齊。"
    col = indent(lines[here.line])
    above = next((n for n in range(here.line - 1, -1, -1)
                  if lines[n].strip() and not lines[n].lstrip().startswith("#")), None)
    options = []
    if above is not None and indent(lines[above]) != col:
        options.append(f"上一行（第 {indent(lines[above])} 欄）")
    if opened is not None and opened.line != above and opened.column + 1 != col:
        options.append(f"第 {opened.line + 1} 行（第 {opened.column + 1} 欄）")
    advice = f"這一行從第 {col} 欄開始；同一層的欄位請用空白對齊"
    return advice + (f"，例如對齊{'或'.join(options)}。" if options else "。")


def _line_at(lines: list[str], mark) -> str:
    return lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""


def _explain(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[object, str, str]:
    """(mark to point at, or None for PyYAML's own; message; hint) for a PyYAML parse error, in Chinese.
    Hints end with a short English gist; PyYAML's own words appear only for errors not listed here."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    found = _FOUND.search(problem)
    token = next((g for g in found.groups() if g is not None), "") if found else ""
    here, opened = exc.problem_mark, exc.context_mark
    line = _line_at(lines, here)
    before = line[: here.column] if here is not None else ""
    if "mapping values are not allowed" in problem:
        return (None, "這裡不能出現「: 」（冒號加空白）。",
                "文字中若有「: 」，請用引號把整段文字包起來，或改用全形冒號「：」；若這是另一個欄位，"
                "請讓它另起一行並與同一層的欄位對齊。 Unexpected ': ' (mapping values are not allowed here).")
    if "could not find expected ':'" in problem:
        # PyYAML stops on the line after; the line without a colon is where the scan began
        return (opened or here, "缺少「: 」：這一行看起來是欄位，但沒有冒號。",
                "欄位請寫成「名稱: 內容」；若這一行是上一段文字的延續，請增加縮排，讓它比欄位名稱更靠右。"
                " Missing ': ' after a key.")
    if "quoted scalar" in context and "end of stream" in problem:
        return (opened, "引號沒有成對：從這裡開始的引號到檔案結尾都沒有結束。", "請補上結尾的引號。 Unclosed quote.")
    if "quoted scalar" in context and ("escape" in problem or "hexadecimal" in problem):
        return (None, "雙引號中的「\\」被當成跳脫字元。",
                "請改用單引號 ' 把文字包起來，或把「\\」寫成「\\\\」。 Backslash escape in a double-quoted string.")
    if "block scalar" in context:
        return (None, "「|」或「>」之後不能接文字。",
                "多行文字請在「|」之後換行，下一行起縮排書寫。 Text after a block scalar indicator '|'.")
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        close = "]" if "]" in problem else "}"
        start = "[" if close == "]" else "{"
        where = f"（第 {opened.line + 1} 行第 {opened.column + 1} 欄）" if opened is not None else ""
        kind, example = ("清單", "units: [行政課, 服務課]") if close == "]" else ("欄位集合", "{item: 執行策略, focus: 執行指標}")
        return (opened or here, f"「{start}」沒有對應的「{close}」：從這裡{where}開始的{kind}到第 {here.line + 1} 行還沒結束。"
                if here is not None else f"「{start}」沒有對應的「{close}」。",
                f"{kind}請寫在同一行並以「{close}」結尾，例如 {example}；若這段是文字，"
                f"請用引號把整段文字包起來。 Unclosed '{start}'.")
    if "expected the node content" in problem:
        if token == ",":
            return (None, "清單中有多餘的逗號。", "請刪除多餘的「,」，每兩個項目之間只寫一個逗號。 Extra comma in a list.")
        return (None, f"「{token}」不能放在值的開頭。",
                "請用引號把整段文字包起來，例如 \"…\"。 A value cannot start with this character.")
    if "found another document" in problem or "<document start>" in problem:
        return (None, "一個檔案只能有一份文件：「---」或「%」開頭的行會開始另一份文件。",
                "請刪除這一行；若是文字內容，請縮排到欄位之下或用引號包起來。 Only one YAML document per file.")
    if "expected <block end>" in problem or "did not find expected key" in problem \
            or "did not find expected '-' indicator" in problem:
        value = re.sub(r"^[^\s:\[{\"']+:\s+", "", re.sub(r"^\s*(- )*", "", line))
        if token == "<scalar>" and before.rstrip()[-1:] in ("'", '"'):
            return (None, "引號之後還有文字：引號只能包住整段文字。",
                    "請把整段文字都放進引號裡，例如 \"…全部的文字…\"；或拿掉引號。 Text after a closing quote.")
        if token == "<scalar>" and value.startswith(("[", "{")):
            return (None, "以「[」或「{」開頭的文字會被 YAML 當成清單或欄位集合。",
                    "請用引號把整段文字包起來，例如 \"[重要] …\"。 Text starting with '[' or '{' must be quoted.")
        if token == "-":
            return (None, "清單項目「- 」出現在欄位之間：縮排不對，或上一行少了「欄位名稱:」。",
                    "清單項目要縮排在「欄位名稱:」那一行之下，例如「units:」下一行寫「  - 行政課」。"
                    " A list item where a key was expected.")
        if token == "?" and opened is not None and "collection" in context:
            return (None, "欄位出現在清單之間：這一層前面是以「- 」開頭的清單項目。",
                    f"請檢查縮排：清單從第 {opened.line + 1} 行開始；這一行若屬於清單中的某一項，請縮排到該項的文字之下。"
                    " A key where a list item was expected.")
        return (None, "縮排不一致：這一行的縮排與同一層的其他行不同。",
                _indent_advice(lines, here, opened) + "清單項目以「- 」開頭。 Inconsistent indentation.")
    if "'\\t'" in problem or "'\t'" in problem:
        return (None, "這裡有 Tab 字元；YAML 只能用空白。", "請把 Tab 換成空白。 Use spaces, not tabs.")
    if "found undefined alias" in problem or "found unacceptable character" in problem:
        return (None, "檔案含有不能使用的字元。", "請刪除這個字元，或用引號把整段文字包起來。 Unacceptable character.")
    if "expected alphabetic or numeric character" in problem:
        return (None, "「*」或「&」開頭的文字會被 YAML 當成別名或錨點。",
                "請用引號把這段文字包起來。 Text starting with '*' or '&' must be quoted.")
    if "cannot start any token" in problem:
        return (None, f"「{token}」不能放在值的開頭。",
                "請用引號把整段文字包起來，例如 \"…\"。 A value cannot start with this character.")
    english = f"{context + ' ' if context else ''}{problem}".strip()
    return (None, "YAML 語法錯誤：這裡的寫法無法辨識。",
            "請檢查這一行與上一行的縮排、冒號「: 」與引號是否成對；文字中有特殊符號時，請用引號把整段文字包起來。"
            f"（YAML: {english}）")


def _convert(node: Node, path: PathKey, doc: Doc) -> Any:
    doc.value_pos[path] = _pos(doc.path, node.start_mark)
    if isinstance(node, ScalarNode):
        if _comment_eats_text(node, doc.lines):
            end = node.end_mark
            raise PlanError(Pos(doc.path, end.line + 1, end.column + 2),
                            "「 #」之後的文字會被 YAML 當成註解而消失。",
                            "文字中有「#」時，請用引號把整段文字包起來，或改用全形「＃」。 Text after ' #' is a comment.")
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_convert(child, path + (i,), doc) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_pos = _pos(doc.path, key_node.start_mark)
            if not isinstance(key_node, ScalarNode) or key_node.style is None and _scalar(key_node) is not None \
                    and not isinstance(_scalar(key_node), str):
                raise PlanError(key_pos, "欄位名稱必須是文字。", "Keys must be strings.")
            key = key_node.value
            if key == "<<":
                raise PlanError(key_pos, "不支援 YAML 合併鍵（<<）；請把內容直接寫出來。",
                               "請刪除「<<:」這一行，把要沿用的欄位逐一寫出。 Merge keys are not allowed.")
            if key in out:
                first = doc.key_pos[path + (key,)]
                raise PlanError(key_pos, f"欄位「{key}」重複（第 {first.line} 行已經有了）。",
                                "同一層的欄位名稱不能重複；請刪除或合併其中一個。 Duplicate key.")
            doc.key_pos[path + (key,)] = key_pos
            out[key] = _convert(value_node, path + (key,), doc)
        return out
    raise PlanError(_pos(doc.path, node.start_mark), "無法辨識的 YAML 內容。",
                    "請對照編輯指南（docs/editors-guide.md）的範例改寫這一段。 Unrecognised YAML.")


def _comment_eats_text(node: ScalarNode, lines: list[str]) -> bool:
    """A plain value followed by ' #' and more text: YAML drops that text as a comment. Comments
    people mean to write sit two or more spaces after the value; one space is a typo in text."""
    if node.style or node.end_mark is None or node.end_mark.line >= len(lines):
        return False
    rest = lines[node.end_mark.line][node.end_mark.column:]
    return rest.startswith(" #") and len(rest) > 2 and rest[2:3] not in ("", " ")


def _scalar(node: ScalarNode) -> Any:
    if node.style:  # quoted or block scalar: always text
        return node.value
    return _typed(node.value)


def _typed(value: str) -> Any:
    """A plain scalar's value under YAML 1.2's core types (see the module's docstring)."""
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        return int(value)
    return value
