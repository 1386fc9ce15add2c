"""site.toml -> a frozen Config. Every key is declared once here, typed, defaulted and documented."""
from __future__ import annotations

import pathlib
import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ConfigError


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
    """Read site.toml; a wrong or missing value raises ConfigError naming the key."""
    if not path.exists():
        raise ConfigError(f"{path.name}: 錯誤：找不到設定檔 {path}。請在專案根目錄建立 site.toml（見 README）。")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name}: 錯誤：設定檔不是 UTF-8 編碼，請另存為 UTF-8。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: 錯誤：TOML 語法錯誤（{exc}）。") from None
    known = {s.key: s for s in SETTINGS}
    values: dict[str, Any] = {}
    problems = []
    for table, content in raw.items():
        if not isinstance(content, dict):
            problems.append(f"{path.name}: 錯誤：「{table}」應該是一個表格（[{table}]）。")
            continue
        for key, value in content.items():
            full = f"{table}.{key}"
            setting = known.get(full)
            if setting is None:
                problems.append(f"{path.name}: 錯誤：不認得的設定「{full}」。可用的設定：{'、'.join(known)}。")
            elif not isinstance(value, setting.type):
                problems.append(f"{path.name}: 錯誤：設定「{full}」應該是文字（請加引號），寫成了 {value!r}。")
            else:
                values[full] = value
    for setting in SETTINGS:
        if setting.key not in values:
            if setting.default is None:
                problems.append(f"{path.name}: 錯誤：缺少必填設定「{setting.key}」：{setting.help}")
            else:
                values[setting.key] = setting.default
    if problems:
        raise ConfigError("\n".join(problems))
    _check_values(values, path.name)
    return Config(root=path.parent.resolve(), values=values)


def _check_values(values: dict, name: str = "site.toml") -> None:
    base = values["site.base_url"]
    if base and (not base.startswith(("https://", "http://")) or not base.endswith("/")):
        raise ConfigError(f"{name}: 錯誤：設定「site.base_url」應以 https:// 開頭、以 / 結尾，例如 "
                          f"https://example.gov.tw/plans/（寫成了 {base!r}）。")
    if values["accessibility.badge_level"] not in ("A", "AA", "AAA"):
        raise ConfigError(f"{name}: 錯誤：設定「accessibility.badge_level」只能是 A、AA 或 AAA。")
    contact_url = values["contact.url"]
    if contact_url and not contact_url.startswith(("https://", "http://")):
        raise ConfigError(f"{name}: 錯誤：設定「contact.url」應以 https:// 開頭（寫成了 {contact_url!r}）。")
    updated = values["site.updated"]
    if updated and not (len(updated) == 10 and updated[4] == "-" and updated[7] == "-"):
        raise ConfigError(f"{name}: 錯誤：設定「site.updated」應為 YYYY-MM-DD 格式。")
