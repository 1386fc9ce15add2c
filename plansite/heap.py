"""What the build does about Python's cycle collector, which walks every container object it tracks.

At 1,000 plans a build holds about 1.6 million such objects (parsed plans, the site model) for its
whole run, and the collector walked them again and again: a sixth of a cold build, and on every
second preview rebuild a full collection as long as the rebuild itself.

- `no_cycle_collection()`: around work that makes many objects and no reference cycles (loading
  plans, the site model, the search index), so nothing is left for the collector to find;
  tests/unit/test_heap.py checks that those steps leave no cyclic garbage behind.
- `freeze()`, `thaw()`: during a build, objects that live until it ends are frozen (gc.freeze:
  never walked, still freed when no longer referenced), and put back at its end.
- `Heap`: the preview's version, across rebuilds.
"""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The collector pauses inside (objects are still freed by reference counting)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze() -> None:
    """Every object made so far lives until the build ends: the collector stops walking them."""
    gc.freeze()


def thaw() -> None:
    """The build is over: its objects are the collector's again."""
    gc.unfreeze()


class Heap:
    """The preview keeps its objects out of the collector's walks between rebuilds: after each
    rebuild what survived is frozen; what rebuilds leave as cyclic garbage is collected in one full
    collection every FULL_EVERY rebuilds (about a second at 1,000 plans), after the page is shown."""

    FULL_EVERY = 50

    def __init__(self) -> None:
        self.rebuilds = 0

    def settle(self) -> None:
        if self.rebuilds % self.FULL_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        self.rebuilds += 1
