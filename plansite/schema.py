"""Check a loaded file against the shipped JSON Schema and say what is wrong in Chinese.

The schemas in schema/ are the single description of the file formats: editors' editors
use them for autocompletion, this module uses them for validation, and the JSON
downloads point at them.
"""
from __future__ import annotations

import difflib
import json
import pathlib
from functools import lru_cache

import jsonschema

from .errors import Problem, Pos
from .yamlfile import Doc

SCHEMA_DIR = pathlib.Path(__file__).resolve().parent.parent / "schema"

_TYPES = {"string": "文字", "integer": "整數", "object": "欄位集合（名稱: 值）", "array": "清單（以「- 」開頭的項目）",
          "boolean": "是非值（true 或 false）", "number": "數字", "null": "空值"}
_YAML11 = {"yes", "no", "on", "off", "y", "n"}


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def check(doc: Doc, name: str) -> list[Problem]:
    """Every schema problem of `doc`, against schema/<name>.schema.json."""
    problems: list[Problem] = []
    for error in sorted(validator(name).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_explain(doc, error))
    return problems


def _field(path) -> str:
    parts = []
    for p in path:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else (("." if parts else "") + p))
    return "".join(parts) or "檔案最上層"


def _explain(doc: Doc, e: jsonschema.ValidationError) -> list[Problem]:
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
            hint += f"可用的欄位：{'、'.join(allowed)}。" if allowed else ""
            where_text = f"（在 {name}）" if path else ""
            out.append(Problem(doc.key(path + (key,)), f"不認得的欄位「{key}」{where_text}；這個欄位不會被使用。",
                               hint + " Unknown key.", blocking=False))
        return out
    if v == "required":
        missing = [k for k in e.validator_value if k not in e.instance]
        owner = f"{name} " if path else ""
        return [Problem(where, f"{owner}缺少必填欄位「{k}」。", _prop_desc(e.schema, k)) for k in missing]
    if v == "type":
        want = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
        want_text = "或".join(_TYPES.get(t, t) for t in want)
        got = e.instance
        hint = ""
        if isinstance(got, str) and got.lower() in _YAML11 and "boolean" in want:
            hint = "YAML 的是非值請寫 true 或 false。"
        elif isinstance(got, int) and "string" in want:
            hint = f"請加上引號，例如 \"{got}\"。"
        elif got is None:
            hint = "這個欄位是空的；請填寫內容或刪除這個欄位。"
        elif isinstance(got, str) and "integer" in want:
            hint = "請只寫阿拉伯數字，不要加引號或其他文字。"
        subject = f"{name} " if path else ""
        return [Problem(where, f"{subject}應該是{want_text}，但寫成了{_describe(got)}。", hint)]
    if v == "minLength":
        return [Problem(where, f"{name} 不能是空的文字。", desc)]
    if v == "minItems":
        return [Problem(where, f"{name} 至少要有 {e.validator_value} 項。", desc)]
    if v == "pattern":
        return [Problem(where, f"{name} 的格式不對：「{e.instance}」。", desc)]
    if v in ("minimum", "maximum"):
        word = "不能小於" if v == "minimum" else "不能大於"
        return [Problem(where, f"{name} {word} {e.validator_value}（寫成了 {e.instance}）。", desc)]
    if v == "not":
        return [Problem(where, f"{name} 不能同時有 groups 與 measures。",
                        "具體作法請放在 measures，或分組放在 groups 之下，擇一即可。")]
    known = {k for branch in (e.schema.get("oneOf", []) if isinstance(e.schema, dict) else [])
             if isinstance(branch, dict) for k in branch.get("properties", {})}
    if v == "oneOf" and isinstance(e.instance, dict) and len(e.instance) == 1 and not known & set(e.instance):
        key = next(iter(e.instance))
        return [Problem(doc.key(path + (key,)), f"{name} 看起來是一段文字，但其中的「: 」讓 YAML 把它當成了欄位「{key}」。",
                        "請用引號把整段文字包起來，或改用全形冒號「：」。")]
    if v == "oneOf":
        # pick the branch whose type matches what the editor wrote, and report its problems
        branch_errors = [c for c in e.context if c.validator != "type"]
        if isinstance(e.instance, dict) and branch_errors:
            # context errors know their parent, so their absolute_path starts at the root
            return [p for c in branch_errors for p in _explain(doc, c)]
        return [Problem(where, f"{name} 應該是文字，或含有 text 欄位的一組欄位，但寫成了{_describe(e.instance)}。", desc)]
    return [Problem(where, f"{name}：{e.message}", desc)]


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

