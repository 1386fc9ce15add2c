"""`python build.py check --a11y` gives an agency the suite's checks as a zh-Hant report."""
from __future__ import annotations

import subprocess
import sys

import pytest

import tools

pytestmark = pytest.mark.browser


def _small_site(tmp_path):
    sys.path.insert(0, str(tools.REPO_ROOT / "tests"))
    from support import make_project

    root = make_project(tmp_path)
    out = root / "_site"
    result = subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(root / "site.toml"),
                             "build", "--out", str(out), "--quiet", "--no-pdf"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root, out


def _check(root, out, *extra):
    return subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(root / "site.toml"),
                           "check", "--a11y", "--site", str(out), *extra], capture_output=True, text=True)


def test_a_clean_site_passes_with_counts(tmp_path):
    root, out = _small_site(tmp_path)
    report = tmp_path / "report.md"
    result = _check(root, out, "--report", str(report))
    assert result.returncode == 0, result.stdout + result.stderr
    pages = len(list(out.rglob("*.html")))
    assert f"HTML 語法（Nu HTML Checker）：通過（檢查 {pages} 項）" in result.stdout
    assert f"axe-core（WCAG 2.0/2.1/2.2 A、AA 與最佳實務）：通過（檢查 {pages * 2} 項）" in result.stdout
    assert "總結：0 個問題。" in report.read_text(encoding="utf-8")


def test_a_broken_page_is_named_with_rule_and_element(tmp_path):
    root, out = _small_site(tmp_path)
    page = out / "privacy/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", '</h1><img src="x.png">'), encoding="utf-8")
    result = _check(root, out)
    assert result.returncode == 1
    assert "privacy/index.html: HM1110100C 圖片缺少 alt" in result.stdout
    assert "privacy/index.html（375 px）: image-alt" in result.stdout
