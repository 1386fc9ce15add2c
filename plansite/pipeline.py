"""The build, as a pipeline you can read in one screen."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import frameworks, load
from .config import Config
from .errors import BuildFailed, Pos, Problems


@dataclass
class Report:
    problems: Problems
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    content: "load.Content | None" = field(default=None, repr=False)


def check(config: Config, strict: bool = False) -> Report:
    """Load and validate every framework, agency and plan; never raises for bad input."""
    problems = Problems()
    fws = frameworks.load_frameworks(config.path("frameworks"), problems)
    content = load.load_content(config.path("plans"), fws, problems) if not problems.errors else None
    return Report(problems=problems, content=content)


def build(config: Config, strict: bool = False) -> Report:
    """load config → load and validate plans → site model → render pages → write atomically."""
    started = time.monotonic()
    report = check(config)
    if config["accessibility.badge_id"]:
        badge = config.path("static") / f"badge-{config['accessibility.badge_level'].lower()}.png"
        if not badge.is_file():
            report.problems.error(Pos(config.root / "site.toml"),
                                  f"已設定 accessibility.badge_id，但找不到標章圖檔 {badge.name}。",
                                  f"請把數位發展部提供的標章圖檔（88×31，不可修改）放在 {badge}。")
    if report.problems.errors or (strict and report.problems.warnings):
        raise BuildFailed(report.problems)
    from . import render, site, write  # noqa: PLC0415 - only needed when building

    model = site.build_site(report.content, config)
    files = render.render_site(model, config)
    write.publish(config.path("output"), files, static_dir=config.path("static"))
    report.pages = sum(1 for f in files if f.path.endswith(".html"))
    report.files = len(files)
    report.seconds = time.monotonic() - started
    return report
