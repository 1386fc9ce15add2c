"""The CI pipelines shipped in the repository (.github/workflows/site.yml, .gitlab-ci.yml) and
scripts/publish.sh: the pipeline files validate offline against the forges' schemas, the workflow
passes zizmor, the pipelines' own check and build commands pass in a fresh clone, and publish.sh
switches the live site atomically."""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from support import REPO, make_project

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
GITLAB = REPO / ".gitlab-ci.yml"
PUBLISH = REPO / "scripts" / "publish.sh"
BIN = pathlib.Path(sys.executable).parent


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kwargs)


# --- Schemas and lint ---------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "schema"), [(WORKFLOW, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")])
def test_pipeline_matches_the_forge_schema(path, schema, tmp_path):
    ok = _run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # the schema bites: a misspelt key in the first job is refused
    text = path.read_text(encoding="utf-8")
    broken = tmp_path / path.name
    broken.write_text(text.replace("    runs-on:" if path == WORKFLOW else "  stage:", "    run-on:"
                                   if path == WORKFLOW else "  stages:", 1), encoding="utf-8")
    bad = _run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(broken)])
    assert bad.returncode != 0, bad.stdout


def test_workflow_passes_zizmor():
    zizmor = BIN / "zizmor"
    result = _run([str(zizmor), "--offline", "--no-progress", str(WORKFLOW)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout, result.stdout


def test_workflow_pins_actions_by_commit_and_grants_least_permissions():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {}
    uses = [step["uses"] for job in workflow["jobs"].values() for step in job.get("steps", []) if "uses" in step]
    assert {u.split("@")[0] for u in uses} >= {"actions/checkout", "actions/upload-pages-artifact",
                                                "actions/deploy-pages"}
    for use in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use), use
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, name
        writes = {k for k, v in job["permissions"].items() if v == "write"}
        assert writes <= ({"pages", "id-token"} if name == "pages" else set()), (name, writes)
    assert (re.findall(r"uses: [^@]+@[0-9a-f]{40} # v\d", WORKFLOW.read_text(encoding="utf-8")).__len__()
            == len(uses)), "each pinned action names its version in a comment"


def test_set_up_scripts_wait_for_the_dpkg_lock_and_say_how_to_retry():
    lib = (REPO / "scripts" / "lib.sh").read_text(encoding="utf-8")
    assert "DPkg::Lock::Timeout=600" in lib
    for script in ("setup.sh", "test.sh"):
        text = (REPO / "scripts" / script).read_text(encoding="utf-8")
        assert ". scripts/lib.sh" in text
        assert re.search(r"^\s*[^#\n]*apt-get(?! \"\$\{APT_LOCK_WAIT)", text, re.M) is None, script
    assert "-o DPkg::Lock::Timeout=600" in GITLAB.read_text(encoding="utf-8")
    # a failed download names the step and the retry command
    result = _run(["bash", "-c", ". scripts/lib.sh; step_failed 'pip install -r requirements.txt' scripts/setup.sh"],
                  cwd=REPO)
    assert result.returncode == 1
    assert "失敗 / FAILED: pip install -r requirements.txt" in result.stderr
    assert "重試 / To retry: scripts/setup.sh" in result.stderr


# --- The pipelines' own commands, in order, in a fresh clone ------------------------------------

PAGES_URL = "https://agency.github.io/plans"


def _github_steps(job: str) -> list[tuple[str, dict]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    values = {"vars.SITE_BASE_URL": "", "steps.pages.outputs.base_url": PAGES_URL}
    steps = []
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step:
            continue   # checkout (the clone), caches, Pages: the forge's own actions
        env = {k: re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: values[m.group(1)], v)
               for k, v in step.get("env", {}).items()}
        steps.append((step["run"], env))
    return steps


def _gitlab_script(job: str) -> list[str]:
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    spec = pipeline[job]
    script = spec.get("script") or pipeline[spec["extends"]]["script"]
    return list(script)


def _without_pdf(command: str) -> str:
    """The pipelines build PDFs with Chromium on the main branch; here the same command without them."""
    if "build.py build" in command and "--no-pdf" not in command:
        return command.replace("build.py build ", "build.py build --no-pdf ")
    return command


def test_pipeline_commands_pass_in_a_fresh_clone(tmp_path):
    """As CI: clone, set up, check --strict, build, link check; each job's commands in order
    (GitHub: check and build jobs; GitLab: check and pages jobs). The main-branch jobs print PDFs
    with Chromium; here they run with --no-pdf (the only change), to stay fast."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True, timeout=60)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if pathlib.Path(p) != BIN)
    has_format = "--format" in _run([sys.executable, "build.py", "check", "--help"], cwd=clone).stdout
    skipped = []

    def run(command: str, extra: dict | None = None) -> subprocess.CompletedProcess:
        if "--format" in command and not has_format:
            skipped.append(command)
            command = re.sub(r" --format \w+( --output \S+)?", "", command)
        return subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=clone, env={**env, **(extra or {})},
                              capture_output=True, text=True, timeout=300)

    # The repository's own site.toml has no contact, so check --strict stops the pipeline at its
    # first command, with the file:line:column annotation first in the log.
    setup, first = _github_steps("check")[:2]
    assert run(*setup).returncode == 0
    failed = run(*first)
    assert failed.returncode == 1
    if has_format:
        assert failed.stdout.startswith("::error file=site.toml,line=9,col=1,"), failed.stdout
    else:
        assert failed.stderr.startswith("site.toml:9:1: 警告：site.toml 沒有聯絡資訊"), failed.stderr

    # An agency's repository fills in its contact (WCAG 3.2.6); then every command passes.
    toml = clone / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[contact]\n", '[contact]\nemail = "plans@example.gov.tw"\n', 1), encoding="utf-8")
    jobs = {"github check": _github_steps("check"), "github build": _github_steps("build"),
            "gitlab check": [(c, {}) for c in _gitlab_script("check")],
            "gitlab pages": [(c, {"CI_PAGES_URL": PAGES_URL}) for c in _gitlab_script("pages")]}
    for name, steps in jobs.items():
        for out in ("_site", "public"):
            shutil.rmtree(clone / out, ignore_errors=True)
        if name.startswith("gitlab"):   # GitLab runs a job's script as one shell script
            steps = [("\n".join(command for command, _ in steps), steps[0][1])]
        for command, extra in steps:
            result = run(_without_pdf(command), extra)
            assert result.returncode == 0, f"{name}: {command}\n{result.stdout}\n{result.stderr}"
        site = clone / ("public" if name == "gitlab pages" else "_site")
        assert (site / "index.html").is_file(), name
        if name.endswith(("build", "pages")):   # the canonical address is the Pages address
            assert f'href="{PAGES_URL}/"' in (site / "index.html").read_text(encoding="utf-8"), name
            assert list(site.rglob("*-qr.svg")), name
    report = json.loads((clone / "gl-code-quality-report.json").read_text(encoding="utf-8")) if has_format else []
    assert report == []
    if skipped:
        pytest.skip("build.py check has no --format yet in the committed tree; ran without it: " + "; ".join(skipped))


# --- scripts/publish.sh -------------------------------------------------------------------------

def _manifest(directory: pathlib.Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def _publish(*args: str, **env: str) -> subprocess.CompletedProcess:
    return _run(["bash", str(PUBLISH), *args], env={**os.environ, "PYTHON": sys.executable, **env})


RECORDER = """import json, os, pathlib, sys, hashlib
def manifest(d):
    d = pathlib.Path(d)
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}
target = pathlib.Path(sys.argv[1])
live = target / "current"
json.dump({"live": os.readlink(live), "live_files": manifest(live), "new": manifest(sys.argv[2])},
          open(sys.argv[3], "w"))
"""


def test_publish_to_a_local_directory_switches_atomically(tmp_path):
    project = make_project(tmp_path)
    config = str(project / "site.toml")
    target = tmp_path / "www"

    first = _publish("--config", config, "--no-pdf", str(target))
    assert first.returncode == 0, first.stderr
    assert "發布完成 / Published" in first.stderr
    old = os.readlink(target / "current")
    assert old.startswith("releases/") and (target / old / "index.html").is_file()
    old_files = _manifest(target / old)

    plan = project / "plans" / "test-agency" / "114.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("114年度提升服務工作計畫", "114年度提升服務工作計畫（修正版）"),
                    encoding="utf-8")
    recorder = tmp_path / "recorder.py"
    recorder.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "before-switch.json"
    second = _publish("--config", config, "--no-pdf", "--verify",
                      f"{sys.executable} {recorder} {target} \"$1\" {record} #", str(target))
    assert second.returncode == 0, second.stderr

    new = os.readlink(target / "current")
    assert new != old and new.startswith("releases/")
    new_files = _manifest(target / new)
    assert "（修正版）" in (target / new / "agencies" / "test-agency" / "114" / "index.html").read_text(encoding="utf-8")
    # until the switch, the live site was the complete old release and the new one was complete
    seen = json.loads(record.read_text(encoding="utf-8"))
    assert seen["live"] == old
    assert seen["live_files"] == old_files
    assert seen["new"] == new_files
    assert old_files.keys() == new_files.keys() and old_files != new_files
    # the old release stays for a rollback; no temporary name is left
    assert sorted(p.name for p in (target / "releases").iterdir()) == sorted([old.split("/")[1], new.split("/")[1]])
    assert [p.name for p in target.iterdir() if p.name.startswith(".")] == []


def test_publish_failures_leave_the_live_site(tmp_path):
    project = make_project(tmp_path)
    config = str(project / "site.toml")
    target = tmp_path / "www"
    assert _publish("--config", config, "--no-pdf", str(target)).returncode == 0
    live = os.readlink(target / "current")
    releases = sorted(p.name for p in (target / "releases").iterdir())

    failed_check = _publish("--config", config, "--no-pdf", "--verify", "exit 1", str(target))
    assert failed_check.returncode == 1
    assert "驗證未通過，正式網站沒有更動。 Verification failed; the live site was not changed." in failed_check.stderr

    plan = project / "plans" / "test-agency" / "114.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("year: 114", "year: 一一四"), encoding="utf-8")
    broken = _publish("--config", config, "--no-pdf", str(target))
    assert broken.returncode == 1
    assert re.search(r"114\.yaml:\d+:\d+: 錯誤：", broken.stderr), broken.stderr
    assert broken.stderr.rstrip().endswith(
        "錯誤 / Error: 建置失敗（訊息見上方），正式網站沒有更動。 Build failed (see above); the live site was not changed.")

    assert os.readlink(target / "current") == live
    assert sorted(p.name for p in (target / "releases").iterdir()) == releases

    usage = _publish(str(target), "extra")
    assert usage.returncode == 2 and "one TARGET only" in usage.stderr


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed (apt install rsync)")
def test_publish_over_ssh_with_rsync(tmp_path):
    """The SSH mode for real, with an `ssh` that runs the remote command on this machine."""
    project = make_project(tmp_path)
    site = tmp_path / "built"
    built = _run([sys.executable, str(REPO / "build.py"), "--config", str(project / "site.toml"), "build",
                  "--quiet", "--no-pdf", "--out", str(site)])
    assert built.returncode == 0, built.stderr
    fake_ssh = tmp_path / "ssh"
    fake_ssh.write_text('#!/bin/sh\n# drop the options and the host (rsync passes -l user host), run the rest here\n'
                        'while [ $# -gt 0 ]; do case "$1" in -[lpio]) shift 2 ;; -*) shift ;; *) shift; break ;; esac; done\n'
                        'exec sh -c "$*"\n', encoding="utf-8")
    fake_ssh.chmod(0o755)
    target = tmp_path / "server" / "plans"
    releases = []
    for _ in range(3):
        result = _publish("--from", str(site), "--keep", "2", f"deploy@example.gov.tw:{target}", PUBLISH_SSH=str(fake_ssh))
        assert result.returncode == 0, result.stderr
        releases.append(os.readlink(target / "current"))
        assert _manifest(target / "current") == _manifest(site)
    assert len(set(releases)) == 3
    # --keep 2: the live release and the one before it
    assert sorted(p.name for p in (target / "releases").iterdir()) == sorted(r.split("/")[1] for r in releases[1:])
    # unchanged files are hard links to the previous release (rsync --link-dest), not new copies
    index = [target / r / "index.html" for r in releases[1:]]
    assert index[0].stat().st_ino == index[1].stat().st_ino

    unreachable = _publish("--from", str(site), "deploy@example.gov.tw:/srv/plans", PUBLISH_SSH="false")
    assert unreachable.returncode == 1
    assert "SSH to deploy@example.gov.tw failed" in unreachable.stderr
