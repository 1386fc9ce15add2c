"""site.toml -> a frozen Config. Every key is declared once here, typed, defaulted and documented."""
from __future__ import annotations

import difflib
import pathlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ConfigError, Pos, Problem


@dataclass(frozen=True)
class Setting:
    key: str            # "table.key"
    type: type
    default: Any
    help: str           # zh-Hant, shown in README


SETTINGS: tuple[Setting, ...] = (
    Setting("site.name", str, None, "網站名稱（必填），顯示於每頁標題與頁首。"),
    Setting("site.owner", str, None, "網站維護機關（必填），顯示於頁尾版權宣告。"),
    Setting("site.base_url", str, "", "網站正式網址，以 / 結尾，例如 https://example.gov.tw/plans/；用於 sitemap、訂閱與 QR Code。可用 --base-url 覆寫。"),
    Setting("site.description", str, "", "網站簡介，顯示於首頁與搜尋引擎摘要。"),
    Setting("site.language", str, "zh-Hant-TW", "網頁語言代碼。"),
    Setting("site.updated", str, "", "網站更新日期（YYYY-MM-DD）；未填時使用最新計畫的公告日期。不使用建置時間，以確保輸出相同。"),
    Setting("contact.address", str, "", "頁尾地址。"),
    Setting("contact.phone", str, "", "頁尾電話。"),
    Setting("contact.fax", str, "", "頁尾傳真。"),
    Setting("contact.email", str, "", "頁尾電子郵件。"),
    Setting("contact.hours", str, "", "頁尾服務時間。"),
    Setting("contact.url", str, "", "機關的「聯絡我們」網頁或線上意見信箱網址（https://…）；顯示於聯絡我們頁。"),
    Setting("accessibility.badge_id", str, "", "數位發展部核發的無障礙標章編號（category）；未填則不顯示標章。"),
    Setting("accessibility.badge_level", str, "AA", "標章等級：A、AA 或 AAA。"),
    Setting("paths.plans", str, "plans", "計畫資料目錄。"),
    Setting("paths.frameworks", str, "frameworks", "計畫架構資料目錄。"),
    Setting("paths.templates", str, "templates", "版型目錄。"),
    Setting("paths.static", str, "static", "靜態檔案（CSS、JavaScript、圖片）目錄。"),
    Setting("paths.output", str, "_site", "輸出目錄。"),
    Setting("paths.synonyms", str, "synonyms.yaml", "站內搜尋的同義詞檔（如「高齡、老人、長輩」）；檔案不存在時不使用同義詞。"),
    Setting("paths.a11y_record", str, "a11y-check.json",
            "check --a11y 寫入的最近一次無障礙檢查紀錄；無障礙聲明頁顯示其日期與數字。"),
)


CONTACT_KEYS = ("address", "phone", "email", "url")   # any one of these makes a 聯絡我們 page


@dataclass(frozen=True)
class Config:
    root: pathlib.Path
    values: dict = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def path(self, key: str) -> pathlib.Path:
        return (self.root / self.values[f"paths.{key}"]).resolve()

    @property
    def base_url(self) -> str:
        return self.values["site.base_url"]

    @property
    def has_contact(self) -> bool:
        """Whether citizens can be told how to reach the site's owner (WCAG 3.2.6 一致性幫助)."""
        return any(self.values[f"contact.{key}"] for key in CONTACT_KEYS)

    def with_overrides(self, **values: Any) -> "Config":
        merged = dict(self.values)
        for key, value in values.items():
            if value is not None:
                merged[key] = value
        _check_values(merged)
        return replace(self, values=merged)


def load_config(path: pathlib.Path) -> Config:
    """Read site.toml; wrong, unknown or missing values raise one ConfigError listing every one of them,
    each at its line and column."""
    if not path.exists():
        raise ConfigError(f"{path.name}: 錯誤：找不到設定檔 {path}。請在專案根目錄建立 site.toml（見 README）。")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(problems=[Problem(Pos(path), "設定檔不是 UTF-8 編碼。",
                                            "請用編輯器「另存新檔」並選擇 UTF-8 編碼。 Re-save site.toml as UTF-8.")]) from None
    except OSError as exc:
        raise ConfigError(problems=[Problem(Pos(path), f"無法讀取設定檔（{exc.strerror}）。")]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        pos = Pos(path, int(where.group(1)), int(where.group(2))) if where else Pos(path)
        raise ConfigError(problems=[Problem(pos, f"TOML 語法錯誤（{exc}）。",
                                            "設定請寫成「名稱 = \"文字\"」，表格名稱寫成 [site]，文字要加雙引號。"
                                            " TOML syntax error.")]) from None
    places = _places(text)
    known = {s.key: s for s in SETTINGS}
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for table, content in raw.items():
        if not isinstance(content, dict):
            problems.append(Problem(places.at(path, table), f"「{table}」應該是一個表格（[{table}]），寫成了 {content!r}。",
                                    f"請把設定寫在表格之下，例如 [site] 下一行寫 name = \"…\"。可用的表格：{'、'.join(_TABLES)}。"))
            continue
        for key, value in content.items():
            full = f"{table}.{key}"
            setting = known.get(full)
            if setting is None:
                close = difflib.get_close_matches(full, list(known), n=1, cutoff=0.6)
                same_table = [k for k in known if k.startswith(table + ".")] or list(known)
                problems.append(Problem(places.at(path, full), f"不認得的設定「{full}」。",
                                        (f"您是不是要寫「{close[0]}」？" if close else "")
                                        + f"可用的設定：{'、'.join(same_table)}。 Unknown setting."))
            elif not isinstance(value, setting.type):
                problems.append(Problem(places.at(path, full, value=True),
                                        f"設定「{full}」應該是文字（請加引號），寫成了 {_shown(value)}。",
                                        f"請寫成 {key} = \"…\"。{setting.help} Settings are quoted text."))
            else:
                values[full] = value
    for setting in SETTINGS:
        if setting.key in values:
            continue
        table, key = setting.key.split(".")
        written = isinstance(raw.get(table), dict) and key in raw[table]   # of a wrong type: reported above
        if setting.default is None and not written:
            problems.append(Problem(places.at(path, table), f"缺少必填設定「{setting.key}」：{setting.help}",
                                    f"請在 [{table}] 之下加上一行 {key} = \"…\"。 Missing required setting."))
        values[setting.key] = setting.default if setting.default is not None else ""
    problems += _value_problems(values, path, places)
    if problems:
        raise ConfigError(problems=sorted(problems, key=lambda p: (p.pos.line, p.pos.col)))
    return Config(root=path.parent.resolve(), values=values)


_TABLES = ("site", "contact", "accessibility", "paths")


class _Places:
    """Where each table and key of a site.toml is written (tomllib keeps no positions)."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[int, int, int]] = {}   # "table.key" or "table" -> (line, key col, value col)

    def at(self, path: pathlib.Path, key: str, value: bool = False) -> Pos:
        while key not in self.keys and "." in key:
            key = key.rsplit(".", 1)[0]
        if key not in self.keys:
            return Pos(path)
        line, key_col, value_col = self.keys[key]
        return Pos(path, line, value_col if value else key_col)


_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]")
_ASSIGN = re.compile(r"^(\s*)([A-Za-z0-9_.\"' -]+?)\s*=\s*")


def _places(text: str) -> _Places:
    places, table = _Places(), ""
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith("[["):
            table = header.group(1).replace('"', "").replace("'", "").replace(" ", "")
            places.keys.setdefault(table, (number, line.index("[") + 1, line.index("[") + 1))
            continue
        assign = _ASSIGN.match(line)
        if assign:
            key = assign.group(2).replace('"', "").replace("'", "").replace(" ", "")
            full = f"{table}.{key}" if table else key
            places.keys.setdefault(full, (number, len(assign.group(1)) + 1, assign.end() + 1))
    return places


def _check_values(values: dict, name: str = "site.toml") -> None:
    """The values' formats, after command-line overrides (--base-url)."""
    problems = _value_problems(values, pathlib.Path(name), _Places())
    if problems:
        raise ConfigError(problems=problems)


def _value_problems(values: dict, path: pathlib.Path, places: _Places) -> list[Problem]:
    out: list[Problem] = []

    def bad(key: str, message: str, hint: str) -> None:
        out.append(Problem(places.at(path, key, value=True), message, hint))

    base = values["site.base_url"]
    if base and (not base.startswith(("https://", "http://")) or not base.endswith("/")):
        bad("site.base_url", f"設定「site.base_url」應以 https:// 開頭、以 / 結尾（寫成了 {base!r}）。",
            "例如 https://example.gov.tw/plans/。 base_url must start with https:// and end with /.")
    if values["accessibility.badge_level"] not in ("A", "AA", "AAA"):
        bad("accessibility.badge_level", f"設定「accessibility.badge_level」只能是 A、AA 或 AAA"
            f"（寫成了 {values['accessibility.badge_level']!r}）。", "請照標章證書上的等級填寫。")
    contact_url = values["contact.url"]
    if contact_url and (not contact_url.lower().startswith(LINK_PREFIXES) or _UNSAFE_URL.search(contact_url)):
        bad("contact.url", f"設定「contact.url」只能是 https://、http://、mailto: 或 tel: 開頭、沒有空白的網址（寫成了 {contact_url!r}）。",
            "例如 https://example.gov.tw/contact/ 或 mailto:service@example.gov.tw；其他種類的連結讀者無法開啟，"
            "也可能不安全。 Links may only use http(s), mailto or tel.")
    updated = values["site.updated"]
    if updated and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", updated):
        bad("site.updated", f"設定「site.updated」應為 YYYY-MM-DD 格式（寫成了 {updated!r}）。", "例如 2025-01-15。")
    return out


def _shown(value: Any) -> str:
    """A TOML value as the editor wrote it: 3, true, 2025-01-15, ["plans"]."""
    if isinstance(value, bool):
        return str(value).lower()
    if hasattr(value, "isoformat"):
        return f"{value.isoformat()}（沒有引號的日期或時間）"
    if isinstance(value, (list, dict)):
        return "清單" if isinstance(value, list) else "表格"
    return repr(value)


LINK_PREFIXES = ("https://", "http://", "mailto:", "tel:")
_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")
