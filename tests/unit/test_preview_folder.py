"""The preview's own folder and cache (plansite/serve.py): serve never builds into the publish
folder, and its cache is the mapping the pipeline expects. The whole `build` then `serve` round
trip, byte for byte, is tests/browser/test_serve.py."""
from __future__ import annotations

import pathlib

import pytest

from plansite import pipeline, serve
from plansite.config import load_config
from support import make_project


@pytest.mark.parametrize("out", ["_site", "_site/preview", ".", "plans", "plans/preview", ".."])
def test_an_out_on_the_publish_or_project_folders_becomes_a_temporary_folder(tmp_path, capsys, out):
    root = make_project(tmp_path)
    config = load_config(root / "site.toml")
    folder, temporary = serve._preview_folder(config, root / out)
    try:
        assert temporary and folder.is_dir() and not folder.is_relative_to(root)
        err = capsys.readouterr().err
        assert "預覽改建置在暫存資料夾" in err
    finally:
        serve._remove_preview(folder)
    assert not folder.exists()


def test_an_out_elsewhere_is_the_preview_folder_and_is_kept(tmp_path, capsys):
    root = make_project(tmp_path)
    folder, temporary = serve._preview_folder(load_config(root / "site.toml"), root / "_preview")
    assert folder == (root / "_preview").resolve() and not temporary
    assert "預覽資料夾：" in capsys.readouterr().out


def test_removing_a_temporary_preview_takes_what_an_interrupted_write_left_beside_it(tmp_path, monkeypatch):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(serve.tempfile, "tempdir", str(temp))
    root = make_project(tmp_path)
    folder, temporary = serve._preview_folder(load_config(root / "site.toml"), None)
    assert temporary and folder.parent == temp
    (temp / f".{folder.name}.staging-x").mkdir()
    (temp / f".{folder.name}.staging-x" / "index.html").write_text("x")
    (temp / "unrelated").mkdir()
    serve._remove_preview(folder)
    assert [p.name for p in temp.iterdir()] == ["unrelated"]


def test_the_cache_is_the_mapping_the_pipeline_uses_with_named_attributes(tmp_path):
    root = make_project(tmp_path)
    config = load_config(root / "site.toml").with_overrides(**{"paths.output": str(tmp_path / "preview")})
    cache = serve.PreviewCache()
    assert len(cache) == 0 and cache.get("written") is None and "jinja-environment" not in cache
    pipeline.build(config, qr=False, pdf=False, downloads=False, cache=cache, drafts=True)
    assert cache.environment is not None and cache["jinja-environment"] is cache.environment
    assert cache.written and cache.get("written") is cache.written
    assert (tmp_path / "preview" / "index.html").read_bytes() == cache.written["index.html"]
    assert cache.parsed and all(isinstance(key, tuple) for key in cache.parsed)
    assert set(cache) == {"jinja-environment", "written", "incremental", "doc-store", *cache.parsed}
    assert cache.docs is not None and cache["doc-store"] is cache.docs   # .cache/docs, for the first build
    environment = cache.environment
    pipeline.build(config, qr=False, pdf=False, downloads=False, cache=cache, drafts=True)
    assert cache.environment is environment   # kept, as with the dict
    cache["something-new"] = 1
    assert cache.other == {"something-new": 1} and cache.pop("something-new") == 1
    del cache["written"]
    assert cache.written is None and "written" not in cache
    with pytest.raises(KeyError):
        del cache["written"]
