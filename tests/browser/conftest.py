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
