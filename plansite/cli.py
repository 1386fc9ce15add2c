"""The command line: argparse, exit codes, and printing problems. Logic lives elsewhere."""
from __future__ import annotations

import argparse
import pathlib
import sys

from . import pipeline
from .config import Config, ConfigError, load_config
from .errors import BuildFailed, Problems

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python build.py",
        description="提升服務計畫網站產生器：檢查計畫檔、建置網站、即時預覽。\n"
                    "Static-site generator for service-improvement plans (提升服務計畫).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="例如 / e.g.:\n  python build.py check          檢查所有計畫檔\n"
               "  python build.py build          建置網站到 _site/\n"
               "  python build.py serve          建置並在 http://127.0.0.1:8000/ 預覽",
    )
    parser.add_argument("--config", type=pathlib.Path, default=ROOT / "site.toml",
                        help="設定檔路徑（預設：site.toml） / path to site.toml")
    sub = parser.add_subparsers(dest="command", metavar="指令 command", required=True)

    check = sub.add_parser("check", help="檢查所有計畫檔與機關資料 / validate every plan and agency file",
                           description="檢查 plans/ 下所有檔案，列出全部錯誤與警告（檔案:行:欄）。\n"
                                       "Validate every file and list all errors and warnings (file:line:column).")
    check.add_argument("--strict", action="store_true", help="把警告視為錯誤 / treat warnings as errors")
    check.add_argument("--a11y", action="store_true",
                       help="改為檢查已建置網站的無障礙（axe-core、Nu HTML Checker、標章標記）/ "
                            "check the built site's accessibility instead")
    check.add_argument("--site", type=pathlib.Path, help="--a11y 要檢查的網站目錄（預設：_site） / site directory")
    check.add_argument("--report", type=pathlib.Path, help="--a11y 報告另存為 Markdown 檔 / save the report")

    build = sub.add_parser("build", help="建置整個網站 / build the whole site",
                           description="檢查並建置整個網站；發生錯誤時保留上一次的輸出。\n"
                                       "Build the site atomically; on error the previous output is kept.")
    build.add_argument("--out", type=pathlib.Path, help="輸出目錄（預設：_site） / output directory")
    build.add_argument("--base-url", help="網站正式網址，覆寫 site.toml / canonical base URL, overrides site.toml")
    build.add_argument("--strict", action="store_true", help="把警告視為錯誤 / treat warnings as errors")
    build.add_argument("--quiet", action="store_true", help="只在出錯時輸出 / print only problems (for CI)")
    build.add_argument("--no-qr", action="store_true",
                       help="不產生 QR Code（未設定正式網址時需要） / no QR codes (needed without a base URL)")
    build.add_argument("--no-pdf", action="store_true", help="不產生 PDF / skip the PDF downloads")
    serve = sub.add_parser("serve", help="建置並在本機預覽，檔案變更時自動重新建置 / build, serve and rebuild on change",
                           description="建置網站並在 http://127.0.0.1:<port>/ 提供預覽；plans/、templates/、static/ 或 "
                                       "site.toml 變更時自動重新建置。\nBuild, serve on 127.0.0.1 and rebuild on change.")
    serve.add_argument("--port", type=int, default=8000, help="連接埠（預設 8000） / port (default 8000)")
    serve.add_argument("--out", type=pathlib.Path, help="輸出目錄（預設：_site） / output directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        if args.command == "check" and args.a11y:
            return _check_a11y(config, args)
        if args.command == "check":
            return _check(config, args.strict)
        if args.command == "build":
            return _build(config, args)
        if args.command == "serve":
            from .serve import serve  # noqa: PLC0415

            if args.out:
                config = config.with_overrides(**{"paths.output": str(args.out.resolve())})
            return serve(config, args.port, print_problems)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中斷。 Interrupted.", file=sys.stderr)
        return 130
    return 2


def print_problems(problems: Problems, strict: bool = False) -> None:
    for problem in problems.sorted():
        print(problem, file=sys.stderr)


def _summary(problems: Problems) -> str:
    return f"{len(problems.errors)} 個錯誤、{len(problems.warnings)} 個警告"


def _check(config: Config, strict: bool) -> int:
    report = pipeline.check(config)
    print_problems(report.problems)
    failed = report.problems.errors or (strict and report.problems.warnings)
    if failed:
        print(f"檢查未通過：{_summary(report.problems)}。 Check failed.", file=sys.stderr)
        return 1
    content = report.content
    print(f"檢查通過：{len(content.agencies)} 個機關、{len(content.plans)} 份計畫，{_summary(report.problems)}。 All good.")
    return 0


def _check_a11y(config: Config, args) -> int:
    from . import a11y_report  # noqa: PLC0415

    site = (args.site or config.path("output")).resolve()
    if not (site / "index.html").is_file():
        print(f"錯誤：{site} 不是建置好的網站（找不到 index.html）；請先執行 python build.py build。", file=sys.stderr)
        return 2
    sections = a11y_report.run(site, config["site.language"], progress=lambda m: print(m, file=sys.stderr, flush=True))
    report = a11y_report.format_report(site, sections)
    print(report)
    if args.report:
        args.report.write_text(report, encoding="utf-8")
    failed = any(s.findings for s in sections) or any(s.skipped for s in sections)
    return 1 if failed else 0


def _build(config: Config, args) -> int:
    overrides = {"paths.output": str(args.out.resolve()) if args.out else None, "site.base_url": args.base_url}
    config = config.with_overrides(**overrides)
    if not args.quiet:
        print(f"建置中… Building from {config.path('plans')}", flush=True)
    try:
        report = pipeline.build(config, strict=args.strict, qr=not args.no_qr, pdf=not args.no_pdf)
    except BuildFailed as exc:
        print_problems(exc.problems)
        print(f"建置失敗，保留上一次的輸出：{_summary(exc.problems)}。 Build failed; previous output kept.",
              file=sys.stderr)
        return 1
    if not args.quiet:
        print_problems(report.problems)
        print(f"完成：{report.pages} 頁、共 {report.files} 個檔案，{report.seconds:.1f} 秒 → {config.path('output')}")
    return 0
