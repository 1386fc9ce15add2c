"""No traceback, ever (issue 14): file-system errors while publishing, a missing Chromium and a busy
port are one located message with a hint and a non-zero exit; anything unexpected is an apology,
a saved traceback file and exit code 70."""
from __future__ import annotations

import errno
import os
import pathlib
import subprocess
import sys
import tempfile

import pytest

from plansite import cli, pipeline, render, serve, write
from plansite.errors import os_error_problem
from support import REPO, make_project


def _run(root: pathlib.Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), *args],
                          cwd=root, capture_output=True, text=True, encoding="utf-8", env={**os.environ, **(env or {})})


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "錯誤：" in line]


# Output that cannot be written, for real (safe as root: a regular file can never be a folder) ------

def test_build_into_a_folder_under_a_regular_file_is_one_message_and_exit_1(tmp_path):
    root = make_project(tmp_path)
    (root / "not-a-folder").write_text("keep me", encoding="utf-8")
    result = _run(root, "build", "--no-pdf", "--quiet", "--out", "not-a-folder/site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert _error_lines(result.stderr) == [
        "not-a-folder:1:1: 錯誤：無法寫入網站輸出資料夾「not-a-folder/site」：「not-a-folder」是檔案，不是資料夾。"]
    assert "    建議：請以 build --out 指定可以寫入的資料夾（或修改 site.toml 的 [paths] output），然後重新建置；" \
           "上一次建置的網站保持不變。 The previous site is kept." in result.stderr.splitlines()
    assert result.stderr.rstrip().endswith("Build failed; previous output kept.")
    assert (root / "not-a-folder").read_text(encoding="utf-8") == "keep me"


def test_build_onto_an_existing_file_leaves_the_file_alone(tmp_path):
    root = make_project(tmp_path)
    (root / "site.txt").write_text("keep me", encoding="utf-8")
    result = _run(root, "build", "--no-pdf", "--quiet", "--out", "site.txt")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert _error_lines(result.stderr) == ["site.txt:1:1: 錯誤：無法寫入網站輸出資料夾「site.txt」：「site.txt」是檔案，不是資料夾。"]
    assert (root / "site.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".") and p.name != ".cache") == [], \
        "no staging folder left"


# Disk full, injected where the writer writes ---------------------------------------------------

def _disk_fills_after(monkeypatch, files: int) -> None:
    real = pathlib.Path.write_bytes
    written = []

    def write_bytes(self, data):
        if len(written) >= files:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        written.append(self)
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)


def _files(text: str) -> list:
    return [render.OutFile(f"page-{i}/index.html", f"{text} {i}".encode()) for i in range(5)]


def test_disk_full_while_publishing_keeps_the_previous_site_and_removes_the_staging_folder(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write.publish(out, _files("old"), static_dir=tmp_path / "no-static")
    _disk_fills_after(monkeypatch, 2)
    with pytest.raises(OSError) as raised:
        write.publish(out, _files("new"), static_dir=tmp_path / "no-static")
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.filename == str(out / "page-2/index.html"), "named by its output path, not the staging one"
    assert (out / "page-4/index.html").read_text(encoding="utf-8") == "old 4"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_disk_full_in_the_preview_update_leaves_no_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "site"
    previous = write.update(out, _files("old"), tmp_path / "no-static", None)
    _disk_fills_after(monkeypatch, 0)
    with pytest.raises(OSError):
        write.update(out, _files("new"), tmp_path / "no-static", previous)
    assert not [p for p in out.rglob(".*.tmp")]


def test_disk_full_through_the_command_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path)
    monkeypatch.chdir(root)
    assert cli.main(["--config", "site.toml", "build", "--no-pdf", "--quiet", "--out", "_site"]) == 0
    before = (root / "_site/index.html").read_bytes()
    capsys.readouterr()
    plan = root / "plans/test-agency/114.yaml"   # an edit, so the build has something to write
    plan.write_text(plan.read_text(encoding="utf-8").replace("title: ", "title: 修訂", 1), encoding="utf-8")
    _disk_fills_after(monkeypatch, 0)   # unchanged files are linked, not written: the first written file fails
    assert cli.main(["--config", "site.toml", "build", "--no-pdf", "--quiet", "--out", "_site"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = _error_lines(err)
    assert line.startswith("_site/") and line.endswith(
        "錯誤：無法寫入網站輸出資料夾「_site」：磁碟空間不足（No space left on device）。")
    assert "建議：請清出磁碟空間，或以 build --out 改寫到其他磁碟上的資料夾，然後重新建置；上一次建置的網站保持不變。" in err
    assert (root / "_site/index.html").read_bytes() == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == [".cache"]   # no staging left


@pytest.mark.parametrize("code, words", [
    (errno.EACCES, "沒有權限"), (errno.EROFS, "唯讀"), (errno.ENOSPC, "磁碟空間不足"), (errno.ENOENT, "找不到"),
    (errno.ELOOP, os.strerror(errno.ELOOP)),
])
def test_file_system_reasons_are_in_chinese_with_the_path_as_position(tmp_path, code, words):
    problem = os_error_problem(OSError(code, os.strerror(code), str(tmp_path / "x")), "無法寫入", "提示")
    assert problem.pos.path == tmp_path / "x" and problem.hint == "提示"
    assert problem.message.startswith("無法寫入：") and words in problem.message


# Chromium and the preview's port ---------------------------------------------------------------

def test_a_chromium_named_but_missing_is_a_warning_naming_it_and_the_build_goes_on(tmp_path):
    root = make_project(tmp_path)
    result = _run(root, "build", "--quiet", "--out", "_site", env={"PLANSITE_CHROMIUM": str(tmp_path / "nope")})
    assert result.returncode == 0, result.stderr
    assert f"site.toml:1:1: 警告：找不到環境變數 PLANSITE_CHROMIUM 指定的「{tmp_path / 'nope'}」，這次建置沒有產生 PDF。" \
        in result.stderr
    assert "sudo apt install chromium" in result.stderr
    assert (root / "_site/index.html").is_file() and not list((root / "_site").rglob("*.pdf"))
    strict = _run(root, "build", "--quiet", "--strict", "--out", "_site",
                  env={"PLANSITE_CHROMIUM": str(tmp_path / "nope")})
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


def test_a_port_that_cannot_be_opened_is_a_message(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path)
    monkeypatch.chdir(root)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(serve.http.server, "ThreadingHTTPServer", refuse)
    assert cli.main(["--config", "site.toml", "serve", "--port", "80", "--out", "_site"]) == 1
    err = capsys.readouterr().err
    assert "錯誤：無法使用連接埠 80（Permission denied）；請改用 --port 指定 1024 以上的其他連接埠" in err
    assert "Traceback" not in err


def test_a_port_out_of_range_is_refused_by_the_command_line(tmp_path):
    result = _run(make_project(tmp_path), "serve", "--port", "70000")
    assert result.returncode == 2 and "連接埠應該是 1 到 65535 的整數" in result.stderr
    assert "Traceback" not in result.stderr


# Anything unexpected ---------------------------------------------------------------------------

def test_an_unexpected_exception_is_an_apology_a_saved_traceback_and_exit_70(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path)
    monkeypatch.chdir(root)
    crashes = tmp_path / "tmp"
    crashes.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(crashes))

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pipeline, "check", broken)
    assert cli.main(["--config", "site.toml", "check"]) == cli.EX_SOFTWARE == 70
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    (saved,) = crashes.glob("plansite-crash-*.txt")
    lines = err.splitlines()
    assert lines[0] == ("抱歉，程式發生未預期的錯誤（ZeroDivisionError）；這是程式的問題，不是您的檔案的問題。"
                        " Sorry: an unexpected internal error.")
    assert lines[1].startswith(f"詳細紀錄已存到 {saved}。請把這個檔案連同您執行的指令，寄給負責本網站程式的維護人員")
    assert len(lines) == 2
    text = saved.read_text(encoding="utf-8")
    assert "command: python build.py --config site.toml check" in text
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: a bug" in text


def test_without_a_writable_temp_folder_the_apology_still_names_the_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    monkeypatch.setenv("HOME", str(tmp_path / "missing-home"))
    monkeypatch.setattr(pipeline, "check", lambda *a, **k: [][1])
    root = make_project(tmp_path)
    monkeypatch.chdir(root)
    assert cli.main(["--config", "site.toml", "check"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and "IndexError" in err and "詳細紀錄無法存檔" in err


def test_a_reader_that_leaves_early_is_not_a_crash(tmp_path):
    """`python build.py check | head -1`: the pipe closes; exit quietly, no apology, no crash file."""
    from support import FIXTURES  # noqa: PLC0415

    root = make_project(tmp_path, {"plans/test-agency/114.yaml": (FIXTURES / "bad/13-unknown-unit.yaml").read_bytes()})
    crashes = tmp_path / "tmp"
    crashes.mkdir()
    read, write_end = os.pipe()
    os.close(read)   # the reader is gone before the first line
    try:
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "check",
                                 "--format", "github"], cwd=root, stdout=write_end, stderr=subprocess.PIPE,
                                text=True, encoding="utf-8", env={**os.environ, "TMPDIR": str(crashes)})
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "抱歉" not in result.stderr and "BrokenPipe" not in result.stderr
    assert not list(crashes.iterdir())
