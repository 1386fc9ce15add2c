"""Fixtures for the browser tests: one headless Chromium per session, a fresh page per test."""

import sys
from pathlib import Path

import pytest

# Let test modules here `import tools` however pytest was started.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import tools  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: needs Chromium, axe-core or vnu.jar (installed by scripts/test.sh)"
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = tools.launch_chromium(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-TW")
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory):
    """The seed plans built once per session as CI would build them for an agency applying for the
    accessibility mark: PDFs included, a contact configured, hosted under a sub-path."""
    import subprocess

    from support import seed_config

    root = tmp_path_factory.mktemp("browser-site")
    out = root / "_site"
    result = subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(seed_config(root)),
                             "build", "--out", str(out), "--quiet", "--base-url", BASE_URL],
                            cwd=tools.REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def site_url(seed_site):
    with tools.serve_directory(seed_site) as base:
        yield base


@pytest.fixture(scope="session")
def site_pages(seed_site):
    """Every HTML page of the built site, relative to its root."""
    return sorted(p.relative_to(seed_site).as_posix() for p in seed_site.rglob("*.html"))


BASE_URL = "https://example.gov.tw/plans/"

# One page per kind (tests/support.py), for the checks that are too slow to run on every page.
from support import PAGE_KINDS  # noqa: E402,F401
