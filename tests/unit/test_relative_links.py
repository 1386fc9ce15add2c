"""render._relpath is posixpath.relpath for every link the site makes, and for odd paths too."""
from __future__ import annotations

import posixpath
import random

import pytest

from plansite import render

PARTS = ["agencies", "a", "b", "114", "index.html", "static", "site.css", "units", "x-y", "", ".", "..", "長照"]


@pytest.mark.parametrize("seed", range(3))
def test_generated_paths_match_relpath(seed):
    rng = random.Random(seed)
    for _ in range(5000):
        target = "/".join(rng.choice(PARTS) for _ in range(rng.randint(1, 5)))
        base = "/".join(rng.choice(PARTS) for _ in range(rng.randint(0, 4)))
        if target.startswith("/") or base.startswith("/"):
            continue
        try:
            expected = posixpath.relpath(target, base or ".")
        except ValueError:
            continue
        assert render._relpath(target, base) == expected, (target, base)


@pytest.mark.parametrize("page, target, link", [
    ("index.html", "agencies/", "agencies/index.html"),
    ("agencies/a/114/index.html", "agencies/a/", "../index.html"),
    ("agencies/a/114/index.html", "static/site.css", "../../../static/site.css"),
    ("agencies/a/114/index.html", "#m1-1", "#m1-1"),
    ("agencies/a/114/index.html", "agencies/a/114/#m1-1", "index.html#m1-1"),
    ("404.html", "", "index.html"),
])
def test_the_links_pages_use(page, target, link):
    assert render.relative.__wrapped__(page, target) == link
