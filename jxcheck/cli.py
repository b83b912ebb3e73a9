"""Command line: `jxcheck check FILE...`, `jxcheck batch PATH... -o OUTDIR`, `jxcheck report --db FILE`;
exit status like a linter."""
from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys

from jxcheck import __version__
from jxcheck.outputs import SEVERITY_ZH, notes_of, rows_of, totals, where

CSV_FIELDS = ["path", "unit", "year", "report_type", "rule", "severity", "message", "reported", "expected",
              "difference", "unit_of_figure", "page", "paragraph", "table", "row", "col", "quote", "id"]


def render_text(docs: list[dict]) -> str:
    out = []
    for doc in docs:
        head = f"{doc['path']}  [{doc.get('unit') or '单位未识别'} · {doc.get('year') or '年度未识别'} · {doc['report_type']}]"
        out.append(head)
        if doc["status"] == "error":
            out.append(f"  无法检查 {doc['error']['code']}: {doc['error']['message']}")
            out.append("")
            continue
        for f in doc["findings"]:
            shown_id = f"  [{f['id']}]" if f.get("id") else ""
            out.append(f"  {SEVERITY_ZH[f['severity']]} {f['rule']}  {f['message']}{shown_id}")
            for ev in f["evidence"]:
                out.append(f"      {where(ev)}：“{ev['quote']}”")
        for note in notes_of(doc):
            shown_id = f"  [{note['id']}]" if note.get("id") else ""
            out.append(f"  {SEVERITY_ZH[note['severity']]} {note['rule']}  {note['message']}{shown_id}")
        counts = {s: sum(1 for c in doc["checks"] if c["status"] == s) for s in ("pass", "fail", "unverifiable")}
        t = totals([doc])
        out.append(f"  共 {len(doc['checks'])} 项检查：通过 {counts['pass']}，不符 {counts['fail']}"
                   f"（错误 {t.errors}，警告 {t.warnings}），无法核实 {counts['unverifiable']}")
        out.append("")
    return "\n".join(out)


def render_json(docs: list[dict]) -> str:
    from jxcheck.outputs.json_text import dumps_indented
    return dumps_indented({"tool": "jxcheck", "version": __version__, "documents": docs})


CSV_TEXT_FIELDS = ("path", "unit", "message", "quote")


def render_csv(docs: list[dict]) -> str:
    """One row per finding and per unreadable file; text cells that a spreadsheet would run as a formula are
    neutralised as in batch's findings.csv."""
    from jxcheck.outputs.flat import safe_cell
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    writer.writeheader()
    rows = []
    for doc in docs:
        if doc["status"] == "error":
            rows.append({"path": doc["path"], "rule": "document.read", "severity": "error",
                         "message": f"{doc['error']['code']}: {doc['error']['message']}"})
            continue
        for f in rows_of(doc):
            ev = f["evidence"][0]
            rows.append({"path": doc["path"], "unit": doc["unit"], "year": doc["year"],
                         "report_type": doc["report_type"], "rule": f["rule"], "severity": f["severity"],
                         "message": f["message"], "reported": f["reported"], "expected": f["expected"],
                         "difference": f["difference"], "unit_of_figure": f["unit"], "page": ev.get("page"),
                         "paragraph": ev.get("paragraph"), "table": ev.get("table"), "row": ev.get("row"),
                         "col": ev.get("col"), "quote": ev["quote"], "id": f.get("id")})
    writer.writerows({k: (safe_cell(v) if k in CSV_TEXT_FIELDS else v) for k, v in row.items()} for row in rows)
    return buf.getvalue()


def render_statistics(docs: list[dict]) -> str:
    """Counts per rule, most first: findings (errors, warnings) and unverifiable checks, like a linter's
    --statistics."""
    from jxcheck.rule_docs import name_zh
    counts: dict[str, list[int]] = {}
    for doc in docs:
        for f in rows_of(doc):
            if f["status"] == "fail" and f["severity"] in ("error", "warning"):
                counts.setdefault(f["rule"], [0, 0, 0])[0 if f["severity"] == "error" else 1] += 1
        for c in doc.get("checks") or []:
            if c["status"] == "unverifiable":
                counts.setdefault(c["rule"], [0, 0, 0])[2] += 1
    lines = [f"{'错误':>6}{'警告':>6}{'无法核实':>6}  规则 / rule"]
    for rule, (errors, warnings, unverifiable) in sorted(counts.items(), key=lambda kv: (-kv[1][0] - kv[1][1],
                                                                                         -kv[1][2], kv[0])):
        lines.append(f"{errors:>8}{warnings:>8}{unverifiable:>10}  {rule}（{name_zh(rule)}）")
    return "\n".join(lines) + "\n"


def exit_status(docs: list[dict]) -> int:
    if any(d["status"] == "error" for d in docs):
        return 2
    return 1 if any(f["severity"] == "error" for d in docs for f in d["findings"]) else 0


def fail(exc: BaseException, what: str = "输出文件") -> int:
    """Print a run's coded error (code: 中文 / English) on stderr; exit status 2."""
    from jxcheck.failures import describe
    sys.stderr.write(str(describe(exc, what)) + "\n")
    return 2


def load_config(args: argparse.Namespace):
    """The configuration of a run (jxcheck.config.load) from its options."""
    from jxcheck.config import load
    return load(args.config, select=_split(args.select), ignore=_split(args.ignore), baseline=args.baseline)


def _split(values: list[str] | None) -> list[str]:
    """Repeated, comma-separated option values as one list."""
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


YOUNG_OBJECTS_PER_COLLECTION = 20_000
"""Objects the check command lets Python allocate between two collections of its youngest objects (700 by
default): a document makes tens of thousands of short-lived ones, and each collection also walks those still
alive, so collecting less often spends a few milliseconds less per document; what is freed stays the same."""


def run_check(args: argparse.Namespace) -> int:
    import gc

    from jxcheck.api import check_file
    from jxcheck.config import apply
    from jxcheck.failures import RunError, printable
    try:
        config = load_config(args)
    except RunError as exc:
        return fail(exc)
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, *gc.get_threshold()[1:])
    docs = []
    for path in args.files:
        doc = apply(check_file(path), config)
        doc["path"] = printable(path)
        docs.append(doc)
    if args.statistics:
        text = render_statistics(docs)
    else:
        text = {"text": render_text, "json": render_json, "csv": render_csv}[args.format](docs)
    if args.output:
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
        try:
            if os.path.isdir(args.output):
                raise RunError("unwritable", f"输出位置 {printable(args.output)} 是文件夹，请给出文件名 / the output "
                                             f"{printable(args.output)} is a folder: give a file name")
            with open(args.output, "w", encoding=encoding, newline="") as fh:
                fh.write(text)
        except (OSError, RunError) as exc:
            return fail(exc)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return exit_status(docs)


def batch_summary(docs: list[dict]) -> str:
    """One line of totals over a batch's output documents, in Chinese and English."""
    units = len({d.get("unit_key") for d in docs})
    t = totals(docs)
    return (f"共 {units} 个单位、{len(docs)} 份文档：错误 {t.errors}，警告 {t.warnings}，提示 {t.notes}，"
            f"无法读取 {t.unreadable} / {units} units, {len(docs)} documents: {t.errors} errors, {t.warnings} "
            f"warnings, {t.notes} notes, {t.unreadable} unreadable")


def run_batch(args: argparse.Namespace) -> int:
    if (args.jobs is not None and args.jobs < 1) or (args.timeout is not None and not (
            math.isfinite(args.timeout) and args.timeout > 0)):
        sys.stderr.write("usage: --jobs 须 ≥ 1，--timeout 须为大于 0 的有限秒数 / --jobs must be ≥ 1 and --timeout a "
                         "finite number of seconds > 0\n")
        return 2
    if args.engine != "ray" and (args.address or args.ship_files or args.parts):
        sys.stderr.write("usage: --address、--ship-files 与 --parts 只用于 --engine ray / --address, --ship-files and "
                         "--parts go with --engine ray\n")
        return 2
    from jxcheck.failures import RunError
    from jxcheck.paths import check_outdir
    try:
        check_outdir(args.output)
        config = load_config(args)
        if args.engine == "ray":
            from jxcheck.ray_engine import load_ray
            load_ray()
    except RunError as exc:
        return fail(exc)
    if args.engine == "local":
        from jxcheck.pool import start_worker_server
        start_worker_server()
    from jxcheck.batch import Engine, run_batch as batch
    from jxcheck.store import StoreError
    try:
        result = batch(args.paths, args.output, jobs=args.jobs, db=args.db, timeout=args.timeout,
                       aliases=args.aliases or config.aliases, config=config,
                       engine=Engine(args.engine, args.address, args.ship_files, args.parts))
    except (StoreError, OSError, ValueError, RunError) as exc:
        return fail(exc)
    except KeyboardInterrupt:
        sys.stderr.write("\n已中断：已完成的文档已保存，再次运行会接着检查其余文档 / interrupted: finished documents "
                         "are saved, run again to check the rest\n")
        return 130
    if args.statistics:
        sys.stderr.write(render_statistics(result.documents))
    sys.stderr.write(batch_summary(result.documents) + "\n")
    if result.reviews_kept or result.reviews_gone or result.reviews_taken:
        sys.stderr.write(f"复核结论：从工作底稿读回 {result.reviews_taken} 条，保留 {result.reviews_kept} 条，"
                         f"{len(result.reviews_gone)} 条对应的问题已不存在（见工作表“失效复核”） / review decisions: "
                         f"{result.reviews_taken} read back from the workbook, {result.reviews_kept} kept, "
                         f"{len(result.reviews_gone)} whose finding has gone (sheet 失效复核)\n")
    sys.stderr.write(f"结果已写入 / results in {args.output}（检查 {result.check_seconds:.1f} 秒，"
                     f"汇总与输出 {result.output_seconds:.1f} 秒 / checking {result.check_seconds:.1f} s, "
                     f"cross-checks and outputs {result.output_seconds:.1f} s）\n")
    return result.status


def run_report(args: argparse.Namespace) -> int:
    from jxcheck.batch import report
    from jxcheck.failures import RunError
    from jxcheck.store import StoreError
    try:
        config = load_config(args)
        return report(args.db, unit=args.unit, year=args.year, fmt=args.format, output=args.output,
                      aliases=args.aliases or config.aliases, config=config)
    except (StoreError, OSError, ValueError, RunError) as exc:
        return fail(exc)


def run_rule(args: argparse.Namespace) -> int:
    """`jxcheck rule [ID]`: what a rule checks with a failing and a passing example; without ID, every rule."""
    from jxcheck.rule_docs import RULES, describe
    if args.rule is None:
        sys.stdout.write("".join(f"{rule:<26}{zh}\n" for rule, (_, zh) in sorted(RULES.items())))
        return 0
    text = describe(args.rule)
    if text is None:
        from jxcheck.failures import RunError
        return fail(RunError("unknown_rule", f"没有规则 {args.rule!r}（jxcheck rule 列出全部规则） / no rule "
                                             f"{args.rule!r} (jxcheck rule lists them all)"))
    sys.stdout.write(text)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """`jxcheck serve OUTDIR`: the review web app over the store."""
    import getpass
    from jxcheck.failures import RunError
    from jxcheck.serve import check_settings, serve
    try:
        reviewer = args.reviewer or getpass.getuser()
    except (KeyError, OSError):
        reviewer = ""
    try:
        settings = check_settings(args.outdir, args.db, args.host, args.token, reviewer)
        shown = f"[{args.host}]" if ":" in args.host else args.host
        suffix = f"/?token={args.token}" if args.token else "/"
        sys.stderr.write(f"复核页面 / review at http://{shown}:{args.port}{suffix}（Ctrl-C 结束 / to stop）\n")
        serve(settings, args.port)
    except (RunError, OSError) as exc:
        return fail(exc)
    return 0


def add_config_options(parser: argparse.ArgumentParser, statistics: bool = True) -> None:
    parser.add_argument("--config", default=None, metavar="FILE", help="jxcheck.toml or pyproject.toml with "
                        "[tool.jxcheck] (default: the first found from the working folder up)")
    parser.add_argument("--select", action="append", metavar="RULES", help="show only these rules (ids or prefixes, "
                        "comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="RULES", help="leave these rules out")
    parser.add_argument("--baseline", default=None, metavar="FILE", help="show only findings not in this earlier "
                        "findings.jsonl (or check --format json output)")
    if statistics:
        parser.add_argument("--statistics", action="store_true", help="counts per rule")


def run_rules(args: argparse.Namespace) -> int:
    from jxcheck.rules_listing import render
    text, status = render(args.files, args.unparsed)
    sys.stdout.write(text)
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jxcheck", description="核查绩效评价报告中的数字 / audit the figures of "
                                     "budget-performance evaluation reports")
    parser.add_argument("--version", action="version", version=f"jxcheck {__version__}")
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check", help="check report files and list their discrepancies")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--format", choices=("text", "json", "csv"), default="text")
    check.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of standard output")
    add_config_options(check)
    batch = sub.add_parser("batch", help="check files, folders and .zip archives into a store and workpapers")
    batch.add_argument("paths", nargs="+", metavar="PATH")
    batch.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder for the store and outputs")
    batch.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPU count)")
    batch.add_argument("--db", default=None, metavar="FILE", help="DuckDB store (default: OUTDIR/jxcheck.duckdb)")
    batch.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                       help="time limit per document (default 120)")
    batch.add_argument("--aliases", default=None, metavar="FILE", help="extra unit aliases (YAML, like "
                       "patterns/unit_aliases.yaml)")
    add_config_options(batch)
    batch.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="where documents are checked: local worker processes (default) or Ray tasks "
                       '(pip install "jxcheck[ray]")')
    batch.add_argument("--address", default=None, metavar="ADDR", help="Ray cluster to use (default: start a local "
                       "Ray instance of --jobs CPUs)")
    batch.add_argument("--ship-files", action="store_true", help="send each file to the Ray workers through the "
                       "object store (for a cluster without a shared file system)")
    batch.add_argument("--parts", default=None, metavar="DIR", help="Ray tasks write their rows as Parquet files "
                       "in DIR (shared by the workers and this machine), which the store reads")
    report = sub.add_parser("report", help="report from a batch store without re-reading any file")
    report.add_argument("--db", required=True, metavar="FILE")
    report.add_argument("--unit", default=None, metavar="NAME")
    report.add_argument("--year", type=int, default=None, metavar="Y")
    report.add_argument("--format", choices=("text", "xlsx", "csv"), default="text")
    report.add_argument("-o", "--output", metavar="OUT", help="write to this file (required for xlsx)")
    report.add_argument("--aliases", default=None, metavar="FILE", help="extra unit aliases (YAML)")
    add_config_options(report, statistics=False)
    serve = sub.add_parser("serve", help="review the findings of a batch output folder in the browser")
    serve.add_argument("outdir", metavar="OUTDIR")
    serve.add_argument("--db", default=None, metavar="FILE", help="DuckDB store (default: OUTDIR/jxcheck.duckdb)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; another needs --token)")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--token", default=None, help="access token, required when not bound to this machine only")
    serve.add_argument("--reviewer", default=None, metavar="NAME", help="name kept with each decision (default: the "
                       "user name)")
    rule = sub.add_parser("rule", help="what a rule checks, with a failing and a passing example")
    rule.add_argument("rule", nargs="?", default=None, metavar="ID", help="a rule id (without: list every rule)")
    rules = sub.add_parser("rules", help="list the 评分标准 of scoring tables and how the grammar reads them")
    rules.add_argument("files", nargs="+", metavar="FILE")
    rules.add_argument("--unparsed", action="store_true", help="only the rule texts the grammar cannot read")
    return parser


COMMANDS = {"check": run_check, "batch": run_batch, "report": run_report, "rules": run_rules, "rule": run_rule,
            "serve": run_serve}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    handler = COMMANDS.get(args.command)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    return handler(args)


def run(argv: list[str] | None = None) -> int:
    """main, with an interrupt (Ctrl-C) at any moment, start-up included, ending in one line and status 130."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted: 已中断 / interrupted by the user\n")
        return 130


def _remove_multiprocessing_folder() -> None:
    """The folder multiprocessing made for its sockets (/tmp/pymp-…), which os._exit would leave behind."""
    util = sys.modules.get("multiprocessing.util")
    if util is None:
        return
    import shutil
    from multiprocessing import process
    folder = process.current_process()._config.get("tempdir")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def entry() -> None:
    """The console script: run main, flush the output, and exit without the interpreter's teardown, which
    after a batch run spends a noticeable time freeing every result object one by one. Everything main
    writes is closed by the time it returns."""
    code = run()
    try:
        _remove_multiprocessing_folder()
    except (OSError, KeyboardInterrupt):
        pass
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)


if __name__ == "__main__":
    entry()
