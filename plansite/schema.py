"""Check a loaded file against the shipped JSON Schema and say what is wrong in Chinese.

The schemas in schema/ are the single description of the file formats: editors' editors
use them for autocompletion, this module uses them for validation, and the JSON
downloads point at them.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import pathlib
import re
from functools import lru_cache

import fastjsonschema
import jsonschema

from .errors import WARNING, Pos, Problem
from .yamlfile import Doc

SCHEMA_DIR = pathlib.Path(__file__).resolve().parent.parent / "schema"

_TYPES = {"string": "文字", "integer": "整數", "object": "欄位集合（名稱: 值）", "array": "清單（以「- 」開頭的項目）",
          "boolean": "是非值（true 或 false）", "number": "數字", "null": "空值"}
_YAML11 = {"yes", "no", "on", "off", "y", "n"}


def _ecma_pattern(validator, pattern, instance, schema):
    """JSON Schema's `pattern` with ECMA-262 anchors: Python's `$` also matches before a final newline,
    which would let a slug such as "admin\\n" (a block scalar) through into URLs and file names."""
    if not validator.is_type(instance, "string"):
        return
    if not re.search(re.sub(r"(?<!\\)\$$", r"\\Z", pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return _Validator(schema)


@lru_cache(maxsize=None)
def _fast_validator(name: str):
    """The same schema compiled to Python by fastjsonschema: about 20× faster to say "valid". It knows
    drafts up to 7, which read our schemas alike ($defs is a plain JSON pointer target, no $ref has
    sibling keywords: tests/unit/test_validation.py checks both); its `pattern` ends at `$` as ECMA's."""
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema)


def is_valid(data, name: str) -> bool:
    try:
        _fast_validator(name)(data)
    except Exception:   # noqa: BLE001 - its own verdict, or a slip in its generated code on odd input
        return False    # (seen: an empty list where an anyOf allows text or a list): jsonschema decides
    return True


def check(doc: Doc, name: str) -> list[Problem]:
    """Every schema problem of `doc`, against schema/<name>.schema.json.

    A valid file is passed by the compiled validator; jsonschema then finds and explains every problem."""
    if is_valid(doc.data, name):
        return []
    problems: list[Problem] = []
    draft = name == "plan" and isinstance(doc.data, dict) and doc.data.get("draft") is True
    for error in sorted(validator(name).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        found = _explain(doc, error)
        if draft and _unfinished(error):
            found = [dataclasses.replace(p, severity=WARNING, blocking=False,
                                         message=p.message + "（草稿，可以先不寫）") for p in found]
        problems.extend(found)
    return problems


_UNFINISHED_KEYS = {"sections", "content", "pillars", "items", "measures"}


def _unfinished(error: jsonschema.ValidationError) -> bool:
    """A draft may leave out sections, pillars, items and measures: those are warnings, not errors."""
    if error.validator == "minItems":
        return bool(error.absolute_path) and error.absolute_path[-1] in _UNFINISHED_KEYS
    if error.validator == "required":
        missing = {k for k in error.validator_value if k not in error.instance}
        return bool(missing) and missing <= _UNFINISHED_KEYS
    return False


def _field(path) -> str:
    parts = []
    for p in path:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else (("." if parts else "") + p))
    return "".join(parts) or "檔案最上層"


def _explain(doc: Doc, e: jsonschema.ValidationError) -> list[Problem]:
    """The problems behind one schema error, each with a hint (the schema's description or a generic one)."""
    return [p if p.hint else dataclasses.replace(p, hint=_generic_hint(e)) for p in _explain_one(doc, e)]


def _explain_one(doc: Doc, e: jsonschema.ValidationError) -> list[Problem]:
    path = tuple(e.absolute_path)
    where = doc.pos(path)
    name = _field(path)
    v = e.validator
    desc = e.schema.get("description", "") if isinstance(e.schema, dict) else ""
    if v == "additionalProperties":
        allowed = sorted(e.schema.get("properties", {}))
        extras = sorted(set(e.instance) - set(allowed))
        out = []
        for key in extras:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"您是不是要寫「{close[0]}」？" if close else ""
            hint += f"可用的欄位：{'、'.join(allowed)}。" if allowed else "請刪除這個欄位。"
            where_text = f"（在 {name}）" if path else ""
            out.append(Problem(doc.key(path + (key,)), f"不認得的欄位「{key}」{where_text}；這個欄位不會被使用。",
                               hint + " Unknown key.", blocking=False))
        return out
    if v == "required":
        missing = [k for k in e.validator_value if k not in e.instance]
        owner = f"{name} " if path else ""
        place = f"在 {name} 之下" if path else "在檔案最上層"
        return [Problem(where, f"{owner}缺少必填欄位「{k}」。",
                        _join(_prop_desc(e.schema, k), f"請{place}加上一行「{k}: …」並填寫內容。 Missing required key '{k}'."))
                for k in missing]
    if v == "type":
        want = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
        want_text = "或".join(_TYPES.get(t, t) for t in want)
        got = e.instance
        hint = ""
        if isinstance(got, str) and got.lower() in _YAML11 and "boolean" in want:
            hint = "YAML 的是非值請寫 true 或 false。"
        elif isinstance(got, int) and not isinstance(got, bool) and "string" in want:
            hint = f"請加上引號，例如 \"{got}\"。"
        elif got is None:
            hint = "這個欄位是空的；請填寫內容或刪除這個欄位。"
        elif isinstance(got, str) and "integer" in want:
            hint = "請只寫阿拉伯數字，不要加引號或其他文字。"
        elif isinstance(got, str) and "array" in want and len(_split_list(got)) > 1:
            key = path[-1] if path and isinstance(path[-1], str) else "units"
            hint = (f"多個項目請寫成清單，每項之間用半形逗號加空白分開：{key}: [{', '.join(_split_list(got))}]。"
                    " Write a list, not one text.")
        subject = f"{name} " if path else ""
        return [Problem(where, f"{subject}應該是{want_text}，但寫成了{_describe(got)}。", _join(hint, desc))]
    if v == "minLength":
        return [Problem(where, f"{name} 不能是空的文字。", desc)]
    if v == "minItems":
        return [Problem(where, f"{name} 至少要有 {e.validator_value} 項。", desc)]
    if v == "maxItems":
        return [Problem(where, f"{name} 最多只能有 {e.validator_value} 項。", desc)]
    if v == "uniqueItems":
        seen, twice = set(), []
        for value in e.instance:
            key = _literal(value)
            if key in seen and key not in twice:
                twice.append(key)
            seen.add(key)
        return [Problem(where, f"{name} 有重複的項目（{'、'.join(twice)}）。", "請刪除重複的項目，每項只列一次。 Duplicate items.")]
    if v == "pattern":
        shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(e.instance))
        return [Problem(where, f"{name} 的格式不對：「{shown}」。", _join(desc, _PATTERNS.get(e.validator_value, "")))]
    if v in ("minimum", "maximum"):
        word = "不能小於" if v == "minimum" else "不能大於"
        return [Problem(where, f"{name} {word} {e.validator_value}（寫成了 {e.instance}）。", desc)]
    if v in ("enum", "const"):
        allowed = e.validator_value if v == "enum" else [e.validator_value]
        choices = "、".join(_literal(a) for a in allowed)
        close = difflib.get_close_matches(str(e.instance), [str(a) for a in allowed], n=1, cutoff=0.5)
        hint = f"您是不是要寫「{close[0]}」？" if close else ""
        return [Problem(where, f"{name} 只能是 {choices}（寫成了{_describe(e.instance)}）。",
                        _join(hint + f"請改成 {choices} 其中之一。", desc))]
    if v == "not":
        return [Problem(where, f"{name} 不能同時有 groups 與 measures。",
                        "具體作法請放在 measures，或分組放在 groups 之下，擇一即可。")]
    branches = [b for b in (e.schema.get("oneOf", []) if isinstance(e.schema, dict) else []) if isinstance(b, dict)]
    known = {k for branch in branches for k in branch.get("properties", {})}
    text_branch = any(b.get("type") == "string" or str(b.get("$ref", "")).endswith("/text") for b in branches)
    if v == "oneOf" and text_branch and isinstance(e.instance, dict) and len(e.instance) == 1 \
            and not known & set(e.instance):
        key = next(iter(e.instance))
        return [Problem(_colon_pos(doc, path + (key,), key),
                        f"{name} 看起來是一段文字，但其中的「: 」讓 YAML 把它當成了欄位「{key}」。",
                        "請用引號把整段文字包起來，或改用全形冒號「：」。 Quote text that contains ': '.")]
    if v == "oneOf":
        # pick the branch whose type matches what the editor wrote, and report its problems
        branch_errors = [c for c in e.context if c.validator != "type"]
        if isinstance(e.instance, (dict, list)) and branch_errors:
            # context errors know their parent, so their absolute_path starts at the root
            return [p for c in branch_errors for p in _explain(doc, c)]
        if text_branch:
            return [Problem(where, f"{name} 應該是文字，或含有 text 欄位的一組欄位，但寫成了{_describe(e.instance)}。",
                            _join(desc, "直接寫文字即可；要指定單位或期限時，改寫成「text: 文字」並在下一行對齊寫 units 等欄位。"))]
        return [Problem(where, f"{name} 的寫法不對（寫成了{_describe(e.instance)}）。", desc)]
    return [Problem(where, f"{name}：{e.message}", desc)]


# hints for patterns whose schema has no description of its own
_PATTERNS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "只能用小寫英文字母、數字與連字號「-」，例如 kaohsiung-senior-center。",
    "^[0-9]+(\\.[0-9]+)*$": "代碼是數字，以「.」分層，例如 3 或 \"3.2\"（有「.」時請加引號）。",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "請寫成西元年-月-日並加引號，例如 \"2025-01-15\"。",
}


def _generic_hint(e: jsonschema.ValidationError) -> str:
    """A useful hint for a schema error whose schema has no description."""
    v, value = e.validator, e.validator_value
    if v == "minLength":
        return "請填寫內容，或刪除這個欄位。 Empty text."
    if v == "minItems":
        return (f"請至少列出 {value} 項（每項一行，以「- 」開頭，縮排在欄位名稱之下），或刪除這個欄位。"
                f" At least {value} item(s) needed.")
    if v == "maxItems":
        return f"請刪除多出來的項目，只留 {value} 項。 Too many items."
    if v in ("minimum", "maximum"):
        return "請改成範圍內的數字。 Number out of range."
    if v == "pattern":
        return "請依照編輯指南（docs/editors-guide.md）中這個欄位的寫法填寫。 Wrong format."
    if v == "type":
        want = value if isinstance(value, list) else [value]
        if "array" in want:
            return "清單請每項一行、以「- 」開頭，或寫成一行 [項目1, 項目2]。 Write a list."
        if "object" in want:
            return "請寫成「名稱: 值」的欄位，每個欄位一行，並比上一層多縮排兩個空白。 Write key: value pairs."
        if "string" in want:
            return "請直接寫文字；文字中有「: 」或以符號開頭時，請用引號把整段文字包起來。 Write text."
        return "請對照編輯指南（docs/editors-guide.md）修正這個值。 Wrong type."
    return "請對照編輯指南（docs/editors-guide.md）第 9 節修正；錯誤訊息說明在那裡。 See the editors' guide."


def _join(*hints: str) -> str:
    return "".join(h if h.endswith(("。", ".", "？", "）")) or not h else h + "。" for h in hints if h)


def _literal(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


_LIST_SEPARATORS = re.compile(r"[、，,；;]")


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]


def _colon_pos(doc: Doc, path, key: str) -> Pos:
    """Where the 「: 」 that ended `key` is: the key's place plus its length, checked against the line."""
    start = doc.key(path)
    line = doc.lines[start.line - 1] if 0 < start.line <= len(doc.lines) else ""
    col = line.find(":", start.col - 1 + len(key))
    return Pos(start.path, start.line, col + 1) if col >= 0 else start


def _prop_desc(schema: dict, key: str) -> str:
    return schema.get("properties", {}).get(key, {}).get("description", "")


def _describe(value) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是非值 {str(value).lower()}"
    if isinstance(value, int):
        return f"整數 {value}"
    if isinstance(value, str):
        short = value if len(value) <= 20 else value[:20] + "…"
        return f"文字「{short}」"
    if isinstance(value, list):
        return "清單"
    if isinstance(value, dict):
        return "欄位集合"
    return type(value).__name__

