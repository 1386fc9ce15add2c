"""The build pauses Python's cycle collector while plans load, while the site model is made and while
the search index is built (plansite/heap.py): at 1,000 plans its walks over the loaded plans took a
sixth of a build. That is safe only while those steps make no reference cycles: each would stay in
memory until the build ends (a closure calling itself once kept every plan file's positions so)."""
from __future__ import annotations

import contextlib
import gc
import shutil

from plansite import config as config_mod, heap, pipeline
from support import seed_config


def test_the_steps_built_with_the_collector_paused_leave_no_cyclic_garbage(tmp_path, monkeypatch):
    toml = seed_config(tmp_path, site={"base_url": "https://example.gov.tw/plans/"})
    config = config_mod.load_config(toml).with_overrides(**{"paths.output": str(tmp_path / "_site")})
    pipeline.build(config, pdf=False)    # first: schemas compiled, modules imported
    for made in (tmp_path / ".cache", tmp_path / "_site"):   # then all made again, every file parsed anew
        shutil.rmtree(made)
    paused = heap.no_cycle_collection
    left: list[list] = []     # per paused block: what it left unreachable while its results are still held

    @contextlib.contextmanager
    def counted():
        with paused():
            gc.collect()
            yield
            gc.set_debug(gc.DEBUG_SAVEALL)
            try:
                gc.collect()
                left.append(list(gc.garbage))
            finally:
                gc.garbage.clear()
                gc.set_debug(0)

    monkeypatch.setattr(heap, "no_cycle_collection", counted)
    report = pipeline.build(config, pdf=False)
    assert report.pages > 100 and (tmp_path / "_site" / "search" / "meta.json").is_file()
    assert len(left) == 4   # loading (check, inside the build's block), the site model, the search index
    ours = [type(o).__qualname__ for block in left for o in block if type(o).__module__.startswith("plansite")]
    assert ours == []
    # fastjsonschema checks known_gaps' items are unique with a function that calls itself, one per
    # plan listing gaps (3 objects): anything more is ours
    assert sum(map(len, left)) < 20, [type(o).__name__ for block in left for o in block][:40]
