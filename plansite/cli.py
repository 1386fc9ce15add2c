"""The command line: argparse, exit codes, and printing problems. Logic lives elsewhere."""
from __future__ import annotations

import argparse
import gc
import os
import pathlib
import sys

from . import pipeline, report_formats
from .config import Config, ConfigError, load_config
from .errors import BuildFailed, Problems, display_path, os_error_problem

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
    check.add_argument("--format", choices=report_formats.FORMATS, default="text",
                       help="輸出格式：text（預設）、github（GitHub Actions 註記）、gitlab（GitLab Code Quality 報告檔，"
                            "另印出文字）、json / output format")
    check.add_argument("--output", type=pathlib.Path, metavar="FILE",
                       help=f"--format gitlab 的報告檔（預設 {report_formats.GITLAB_REPORT}）/ "
                            "where --format gitlab writes its report")
    check.add_argument("--a11y", action="store_true",
                       help="改為檢查已建置網站的無障礙（axe-core、Nu HTML Checker、標章標記）/ "
                            "check the built site's accessibility instead")
    check.add_argument("--site", type=pathlib.Path, help="--a11y 要檢查的網站目錄（預設：_site） / site directory")
    check.add_argument("--report", type=pathlib.Path,
                       help="--a11y 報告與自評表另存為 Markdown（.md）與試算表（.ods）/ save the report as .md and .ods")
    check.add_argument("--spec", choices=("115.11", "110.07"), default="115.11",
                       help="--a11y 依據的網站無障礙規範版本（預設 115.11）/ the spec edition to assess against")

    build = sub.add_parser("build", help="建置整個網站 / build the whole site",
                           description="檢查並建置整個網站；發生錯誤時保留上一次的輸出。\n"
                                       "Build the site atomically; on error the previous output is kept.")
    build.add_argument("--out", type=pathlib.Path, help="輸出目錄（預設：_site） / output directory")
    build.add_argument("--base-url", help="網站正式網址，覆寫 site.toml / canonical base URL, overrides site.toml")
    build.add_argument("--strict", action="store_true", help="把警告視為錯誤 / treat warnings as errors")
    build.add_argument("--quiet", action="store_true", help="只輸出錯誤與警告 / print only problems (for CI)")
    build.add_argument("--no-qr", action="store_true",
                       help="不產生 QR Code（未設定正式網址時需要） / no QR codes (needed without a base URL)")
    build.add_argument("--no-pdf", action="store_true", help="不產生 PDF / skip the PDF downloads")
    build.add_argument("--jobs", type=_jobs, metavar="N",
                       help="同時製作下載檔與頁面的處理程序數（預設：CPU 核心數；1 = 不分工） / worker processes (default: one per core)")
    new = sub.add_parser("new", help="從最新一年的計畫建立下一年度的計畫 / start next year's plan from the latest",
                         description="複製機關最新一年的計畫為新年度：年度、標題中的年度與所有完成期限往後移，其餘內容保留；"
                                     "不會覆寫已存在的檔案。\nCopy the agency's latest plan to a new year (year, title and "
                                     "deadlines moved on); never overwrites.")
    new.add_argument("agency", help="機關代稱，即 plans/ 下的目錄名稱 / agency slug (its folder under plans/)")
    new.add_argument("year", nargs="?", type=int, help="新計畫的民國年（預設：最新一年＋1） / ROC year (default: latest + 1)")

    agency = sub.add_parser("new-agency", help="建立新機關的 agency.yaml / create a new agency",
                            description="建立 plans/<代稱>/agency.yaml。未以參數提供的欄位會逐一詢問。\n"
                                        "Create plans/<slug>/agency.yaml; asks for what the flags leave out.")
    agency.add_argument("--slug", help="機關代稱（網址用，小寫英文、數字、連字號） / URL slug")
    agency.add_argument("--name", help="機關名稱，例如「長青綜合服務中心」 / short name")
    agency.add_argument("--full-name", help="機關全銜，例如「高雄市政府社會局長青綜合服務中心」 / full name")
    agency.add_argument("--government", help="所屬政府，例如「高雄市政府」 / government")
    agency.add_argument("--parent", help="上級機關，例如「社會局」（可省略） / parent agency (optional)")
    agency.add_argument("--unit", action="append", default=[], metavar="名稱=代稱",
                        help="單位，例如 --unit 行政課=admin-section（可重複） / a unit, repeatable")

    framework = sub.add_parser(
        "new-framework", help="建立新的計畫架構檔 frameworks/<代稱>.yaml / start a new framework edition",
        description="建立 frameworks/<代稱>.yaml：以 --from 複製現有架構的結構，或寫出附說明的空白範本；"
                    "不會覆寫已存在的檔案，建立後會檢查並列出接著要修改的地方。\n"
                    "Write frameworks/<id>.yaml from an existing framework or a commented skeleton; never overwrites.")
    framework.add_argument("id", help="架構代稱（與檔名相同；小寫英文、數字、連字號），例如 gsa-7 / framework id")
    framework.add_argument("--name", help="架構的正式名稱，例如「第7屆政府服務獎評獎架構」 / the framework's name")
    framework.add_argument("--from", dest="source", metavar="代稱",
                           help="複製這個架構的結構，例如 six-pillars（預設：空白範本） / copy this framework")

    imp = sub.add_parser("import", help="把現有的 Word/ODT/PDF/文字檔計畫轉成草稿計畫檔 / import a .docx/.odt/PDF/text plan",
                         description="讀取機關現有的計畫（.docx、.odt、PDF，或從網頁、PDF 存下的純文字），寫成 "
                                     "plans/<機關>/<年度>.yaml 草稿（draft: true，不會發布），並列出找到的章節、各構面的作法數、"
                                     "單位、沒有歸位的文字與修補過的擷取問題。不會覆寫已存在的檔案。\n"
                                     "Read an existing plan into a draft plan file and report what was found.")
    imp.add_argument("file", type=pathlib.Path, help="要匯入的檔案 / the file to import")
    imp.add_argument("--agency", required=True, help="機關代稱，即 plans/ 下的目錄名稱 / agency slug")
    imp.add_argument("--year", type=int, help="民國年（預設：文件標題上的年度） / ROC year (default: from the title)")
    imp.add_argument("--framework", help="計畫架構代稱，例如 six-pillars（預設：依表格文字判斷） / framework id")
    imp.add_argument("--json", action="store_true", help="報告改以 JSON 輸出，給其他工具用 / print the report as JSON")

    serve = sub.add_parser("serve", help="建置並在本機預覽，檔案變更時自動重新建置 / build, serve and rebuild on change",
                           description="建置網站並在 http://127.0.0.1:<port>/ 提供預覽；plans/、templates/、static/ 或 "
                                       "site.toml 變更時自動重新建置。預覽建置在暫存資料夾，不會動到 _site/。\n"
                                       "Build into a temporary folder, serve on 127.0.0.1 and rebuild on change.")
    serve.add_argument("--port", type=_port, default=8000, help="連接埠（預設 8000） / port (default 8000)")
    serve.add_argument("--out", type=pathlib.Path,
                       help="預覽輸出目錄（預設：暫存資料夾，結束時刪除；不會動到 _site/） / preview folder "
                            "(default: a temporary one, removed on exit; never the publish folder)")
    return parser


EX_SOFTWARE = 70   # sysexits.h: an internal software error


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"連接埠應該是 1 到 65535 的整數，例如 8000（收到「{text}」）。")
    return int(text)


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= 64:
        raise argparse.ArgumentTypeError(f"「{value}」不是 1 到 64 之間的整數 / not a whole number from 1 to 64")
    return jobs


def main(argv: list[str] | None = None) -> int:
    """Run one command; an unexpected exception becomes an apology and a saved traceback, never a
    traceback on the terminal."""
    # A build holds one large, long-lived object graph (1,000 plans: millions of objects) that every
    # full collection walks again; Python's default (a young collection each 700 allocations) spent
    # 12-15 s of a 1,000-plan build collecting, this 2 s, at the same peak memory (benchmarks/scale.py).
    gc.set_threshold(50_000, 20, 20)
    try:
        return _main(argv)
    except BrokenPipeError:   # e.g. `python build.py check | head`: the reader left, nothing went wrong
        _quiet_stdout()
        return 1
    except Exception:  # noqa: BLE001 - the last line of defence; problems editors can fix never get here
        return _crash(argv)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):   # pytest's captured stdout has no file descriptor
        pass


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        if args.output and args.format != "gitlab":
            parser.error("--output 只用於 --format gitlab。 --output goes with --format gitlab.")
        if args.a11y and args.format != "text":
            parser.error("--a11y 只有文字格式，不能與 --format 一起使用。 --a11y has only the text format.")
    try:
        config = load_config(args.config)
        if args.command == "check" and args.a11y:
            return _check_a11y(config, args)
        if args.command == "check":
            return _check(config, args)
        if args.command == "build":
            return _build(config, args)
        if args.command == "new":
            return _new(config, args)
        if args.command == "new-agency":
            return _new_agency(config, args)
        if args.command == "new-framework":
            return _new_framework(config, args)
        if args.command == "import":
            return _import(config, args)
        if args.command == "serve":
            from .serve import serve  # noqa: PLC0415

            return serve(lambda: load_config(args.config), args.port, print_problems, out=args.out)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中斷。 Interrupted.", file=sys.stderr)
        return 130
    return 2


def _crash(argv: list[str] | None) -> int:
    """Save the traceback of an unexpected exception to a file and say, in one short message, where
    it is and how to report it. Exit code 70 (EX_SOFTWARE)."""
    import datetime  # noqa: PLC0415
    import platform  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    import traceback  # noqa: PLC0415

    from . import __version__  # noqa: PLC0415

    kind = sys.exc_info()[0].__name__
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (f"plansite {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
            f"command: python build.py {' '.join(sys.argv[1:] if argv is None else argv)}\n"
            f"directory: {pathlib.Path.cwd()}\n\n{traceback.format_exc()}")
    saved = None
    for folder in (pathlib.Path(tempfile.gettempdir()), pathlib.Path.home()):
        try:
            path = folder / f"plansite-crash-{stamp}-{os.getpid()}.txt"
            path.write_text(text, encoding="utf-8")
            saved = path
            break
        except OSError:
            continue
    lines = [f"抱歉，程式發生未預期的錯誤（{kind}）；這是程式的問題，不是您的檔案的問題。"
             " Sorry: an unexpected internal error."]
    if saved is not None:
        lines.append(f"詳細紀錄已存到 {saved}。請把這個檔案連同您執行的指令，寄給負責本網站程式的維護人員"
                     "（或附在專案的問題回報 issue 中）。 Please send this file to the site's maintainers.")
    else:
        lines.append(f"詳細紀錄無法存檔（{sys.exc_info()[1]!r}）；請把這一行連同您執行的指令，寄給負責本網站程式的維護人員。"
                     " Please send this line to the site's maintainers.")
    try:
        print("\n".join(lines), file=sys.stderr)
    except (OSError, ValueError):   # no terminal left to tell; the file is written
        pass
    return EX_SOFTWARE


def print_problems(problems: Problems, strict: bool = False) -> None:
    for problem in problems.sorted():
        print(problem, file=sys.stderr)


def _summary(problems: Problems) -> str:
    return f"{len(problems.errors)} 個錯誤、{len(problems.warnings)} 個警告"


def _check(config: Config, args) -> int:
    """`check`, printed as text (default), GitHub annotations, a GitLab report plus text, or JSON.
    The summary line ends every form except JSON, where it goes to stderr to keep stdout parseable."""
    report = pipeline.check(config)
    problems, strict, fmt = report.problems, args.strict, args.format
    ordered = problems.sorted()
    content = report.content
    if fmt == "json":
        sys.stdout.write(report_formats.json_report(
            ordered, config.root, strict, agencies=len(content.agencies) if content else None,
            plans=len(content.plans) if content else None))
    elif fmt == "github":
        sys.stdout.write(report_formats.github(ordered, config.root, strict))
    else:
        if fmt == "gitlab":
            target = args.output or pathlib.Path(report_formats.GITLAB_REPORT)
            try:
                target.write_text(report_formats.gitlab(ordered, config.root, strict), encoding="utf-8")
            except OSError as exc:
                problems.add(os_error_problem(exc, f"無法寫入 GitLab 報告檔「{display_path(target)}」",
                                              "請以 --output 指定可以寫入的檔案。 Could not write the report."))
        print_problems(problems)
    sys.stdout.flush()   # annotations before the summary, even when stdout and stderr share one log
    summary_stream = sys.stderr if fmt == "json" else None
    failed = problems.errors or (strict and problems.warnings)
    if failed:
        print(f"檢查未通過：{_summary(problems)}。 Check failed.", file=sys.stderr)
        return 1
    print(f"檢查通過：{len(content.agencies)} 個機關、{len(content.plans)} 份計畫，{_summary(problems)}。 All good.",
          file=summary_stream or sys.stdout)
    return 0


def _new(config: Config, args) -> int:
    from . import scaffold  # noqa: PLC0415

    result = scaffold.new_plan(config.path("plans"), args.agency, args.year)
    print(f"已建立 {result.target}（複製自 {result.source.name}）。 Created.")
    for change in result.changes:
        print(f"  - {change}")
    if result.review:
        print("請檢查以下仍提到舊年度的內容，視需要修改： Please review these lines:")
        for line in result.review:
            print(f"  {line}")
    print("也請逐項檢視具體作法、負責單位與章節文字是否仍適用，然後執行 python build.py check。")
    report = pipeline.check(config)
    mine = [p for p in report.problems.items if p.pos.path.resolve() == result.target.resolve()]
    for problem in mine:
        print(problem, file=sys.stderr)
    return 1 if any(p.is_error for p in mine) else 0


def _import(config: Config, args) -> int:
    import json  # noqa: PLC0415

    from .importer.run import report_text, run_import  # noqa: PLC0415
    from .importer.source import ImportFailure  # noqa: PLC0415

    try:
        result = run_import(config.path("plans"), config.path("frameworks"), args.file, args.agency, args.year,
                            args.framework)
    except ImportFailure as exc:
        print(f"{display_path(args.file)}: 錯誤：{exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"    建議：{exc.hint}", file=sys.stderr)
        print("匯入失敗，沒有寫出任何檔案。 Import failed; nothing was written.", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        print(report_text(result))
    report = pipeline.check(config)
    mine = [p for p in report.problems.items if p.pos.path.resolve() in (result.target.resolve(),)]
    errors = [p for p in mine if p.is_error]
    if not args.json:
        print(f"檢查草稿：{len(errors)} 個錯誤、{len(mine) - len(errors)} 個警告（python build.py check 會列出全部）。")
    for problem in errors:
        print(problem, file=sys.stderr)
    return 1 if errors else 0


def _ask(label: str, value: str | None, required: bool = True) -> str:
    if value is not None:
        return value
    if not sys.stdin.isatty():
        if required:
            raise ConfigError(f"錯誤：缺少 {label}；請用參數提供（見 python build.py new-agency --help）。")
        return ""
    while True:
        answer = input(f"{label}：").strip()
        if answer or not required:
            return answer
        print("此欄必填。 Required.")


def _new_agency(config: Config, args) -> int:
    from . import scaffold  # noqa: PLC0415

    slug = _ask("機關代稱（小寫英文、數字、連字號，例如 kaohsiung-senior-center）", args.slug)
    name = _ask("機關名稱（例如 長青綜合服務中心）", args.name)
    full_name = _ask("機關全銜（例如 高雄市政府社會局長青綜合服務中心）", args.full_name)
    government = _ask("所屬政府（例如 高雄市政府）", args.government)
    parent = _ask("上級機關（例如 社會局；沒有請直接按 Enter）", args.parent, required=False)
    units = []
    for item in args.unit:
        unit_name, _, unit_slug = item.partition("=")
        units.append((unit_name.strip(), unit_slug.strip()))
    if not units and sys.stdin.isatty():
        print("請逐一輸入單位；全部輸入完請直接按 Enter。")
        while True:
            unit_name = input("單位名稱（例如 行政課）：").strip()
            if not unit_name:
                break
            units.append((unit_name, input(f"「{unit_name}」的代稱（例如 admin-section）：").strip()))
    answers = scaffold.AgencyAnswers(slug, name, full_name, government, parent, units)
    path = scaffold.new_agency(config.path("plans"), answers)
    print(f"已建立 {path}。 Created.")
    print(f"下一步：已有 Word、ODT 或 PDF 的計畫書時，用 python build.py import 檔案 --agency {slug} 匯入成草稿；"
          f"否則參考 README 的計畫範例，把第一份計畫存成 plans/{slug}/<民國年>.yaml，再執行 python build.py check；"
          "之後每年可用 python build.py new 從前一年的計畫開始。")
    return 0


def _new_framework(config: Config, args) -> int:
    from . import scaffold_framework  # noqa: PLC0415

    result = scaffold_framework.new_framework(config.path("frameworks"), args.id, args.name, args.source)
    copied = f"（複製自 {result.source.name}）" if result.source else "（空白範本）"
    print(f"已建立 {result.target}{copied}。 Created.")
    print("接著請依正式文件修改： Next, edit:")
    for number, step in enumerate(result.next_steps, 1):
        print(f"  {number}. {step}")
    for problem in result.problems:
        print(problem, file=sys.stderr)
    return 1 if any(p.is_error for p in result.problems) else 0


def _check_a11y(config: Config, args) -> int:
    import datetime  # noqa: PLC0415

    from . import a11y_report  # noqa: PLC0415

    site = (args.site or config.path("output")).resolve()
    if not (site / "index.html").is_file():
        print(f"錯誤：{site} 不是建置好的網站（找不到 index.html）；請先執行 python build.py build。", file=sys.stderr)
        return 2
    date = datetime.date.today().isoformat()
    sections = a11y_report.run(site, config["site.language"], spec=args.spec,
                               progress=lambda m: print(m, file=sys.stderr, flush=True))
    rows = a11y_report.assess(sections, args.spec)
    report = a11y_report.format_report(site, sections, rows, args.spec, date)
    print(report)
    written = []
    if args.report:
        base = args.report.with_suffix("") if args.report.suffix in (".md", ".ods") else args.report
        markdown, ods = base.with_name(base.name + ".md"), base.with_name(base.name + ".ods")
        markdown.write_text(report, encoding="utf-8")
        ods.write_bytes(a11y_report.ods_bytes(sections, rows, args.spec, date))
        written += [markdown, ods]
    record = config.path("a11y_record")
    record.write_text(a11y_report.record_json(a11y_report.record(sections, rows, args.spec, date)), encoding="utf-8")
    written.append(record)
    print("已寫入 / Written: " + "、".join(str(p) for p in written), file=sys.stderr)
    print("無障礙聲明頁會顯示這次檢查的日期與數字；請重新建置網站（python build.py build）。", file=sys.stderr)
    failed = any(s.findings for s in sections) or any(s.skipped for s in sections)
    return 1 if failed else 0


def _build(config: Config, args) -> int:
    overrides = {"paths.output": str(args.out.resolve()) if args.out else None, "site.base_url": args.base_url}
    config = config.with_overrides(**overrides)
    progress = (lambda message: None) if args.quiet else (lambda message: print(message, flush=True))
    try:
        report = pipeline.build(config, strict=args.strict, qr=not args.no_qr, pdf=not args.no_pdf, progress=progress,
                                jobs=args.jobs)
    except BuildFailed as exc:
        print_problems(exc.problems)
        print(f"建置失敗，保留上一次的輸出：{_summary(exc.problems)}。 Build failed; previous output kept.",
              file=sys.stderr)
        return 1
    print_problems(report.problems)   # warnings too, even with --quiet: CI logs must show them
    for plan in report.drafts:
        print(f"草稿不發布：{display_path(plan.path)}（draft: true）；定稿後刪除 draft 這一行即會發布。"
              f" Draft left out of the site.")
    if not args.quiet:
        print(f"完成：{report.pages} 頁、共 {report.files} 個檔案，{report.seconds:.1f} 秒 → {config.path('output')}")
    return 0
