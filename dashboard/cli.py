"""The `civmon` command: init, demo, import, report, export, user, serve.

It sits above both layers: every command but `serve` is the reporting layer's (queries/), which it imports alone,
so the commands start quickly; `serve` builds the dashboard's app for the database it is given.
Exit codes: 0 done, 1 the input was rejected (nothing changed), 2 the command was misused.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from queries import db, formats, migrate, registry, settings, users
from queries.contract import KINDS, LOAD_ORDER
from queries.filters import FilterError, make_filter

REFERENCE_DIR = settings.DATA_DIR / "reference"


def _engine(args):
    return db.get_engine(getattr(args, "database_url", None))


def cmd_init(args) -> int:
    from queries import importer
    engine = _engine(args)
    before, after = migrate.upgrade(engine)
    state = "created" if before is None else ("already at" if before == after else f"upgraded from {before} to")
    print(f"Database {db.describe(engine)}: schema {state} revision {after}.")
    for kind in LOAD_ORDER:
        path = REFERENCE_DIR / f"{kind}.csv"
        if not KINDS[kind].is_reference or not path.exists():
            continue
        result = importer.import_file(engine, kind, path, source="init", only_new=True, on_wait=_waiting)
        if not result.ok:
            _print_problems(result)
            return 1
        print(f"  reference {kind}: {result.added} added, {result.rows - result.added} already present")
    return 0


def cmd_demo(args) -> int:
    from queries import demo
    engine = _engine(args)
    migrate.upgrade(engine)
    if args.if_empty and demo.has_data(engine):
        print("The database already holds data; demo data not loaded.")
        return 0
    seed = demo.SEED if args.seed is None else args.seed
    try:
        counts = demo.build(engine, scale=args.scale, seed=seed,
                            progress=lambda msg: print(f"  {msg}", file=sys.stderr))
    except ValueError as exc:
        print(f"civmon demo: {exc}", file=sys.stderr)
        return 1
    print(f"Demo data ({args.scale}, seed {seed}) loaded: "
          + ", ".join(f"{n:,} {kind}" for kind, n in counts.items()))
    return 0


def _print_problems(result) -> None:
    for problem in result.problems:
        print(str(problem), file=sys.stderr)
    more = result.problem_count - len(result.problems)
    if more > 0:
        print(f"… and {more:,} more problems.", file=sys.stderr)
    print(f"Rejected {result.file_name}: {result.problem_count:,} problem"
          f"{'s' if result.problem_count != 1 else ''}; the database is unchanged.", file=sys.stderr)


def _os_user() -> str:
    """Who runs `civmon import`, for the import log: the OS user, or "cli" when there is none."""
    import getpass
    try:
        return getpass.getuser()[:64] or "cli"
    except Exception:  # noqa: BLE001 - no login name and no passwd entry (some containers)
        return "cli"


def _waiting() -> None:
    print("Another import is running; waiting for it to finish…", file=sys.stderr, flush=True)


def cmd_import(args) -> int:
    from queries import importer, mappings
    try:
        mapping = mappings.load(args.map, args.kind) if args.map else None
    except mappings.MappingProblem as exc:
        print(f"civmon import: {exc}", file=sys.stderr)
        return 2
    result = importer.import_file(_engine(args), args.kind, Path(args.file), dry_run=args.dry_run,
                                  imported_by=_os_user(), on_wait=_waiting, mapping=mapping, decimal=args.decimal)
    if not result.ok:
        _print_problems(result)
        return 1
    verb = "would load" if args.dry_run else "loaded"
    print(f"{result.file_name}: {verb} {result.rows:,} {args.kind} rows "
          f"({result.added:,} added, {result.replaced:,} replaced).")
    if result.ignored:
        print(f"  Columns the mapping does not read, left out: {', '.join(result.ignored)}.")
    if result.warnings:
        print("  Loaded, but worth a look (the data-quality page lists them all):")
        for warning in result.warnings:
            print(f"    {warning}")
    return 0


def cmd_report(args) -> int:
    try:
        query = registry.get(args.indicator)
    except KeyError as exc:
        print(f"civmon report: {exc.args[0]}", file=sys.stderr)
        return 2
    try:
        f = make_filter(country=args.country, region=args.region, level=args.level, as_of=args.as_of,
                        years=args.years, year_from=args.year_from, year_to=args.year_to)
        df = query.run(f, engine=_engine(args))
    except FilterError as exc:
        print(f"civmon report: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(formats.to_csv(df))
    elif args.format == "json":
        sys.stdout.write(formats.to_json(formats.document(query, f, df)) + "\n")
    else:
        print(f"{query.title}\n{query.definition}\n")
        sys.stdout.write(formats.to_table(df) if len(df) else "(no rows for these filters)\n")
    return 0


def cmd_export(args) -> int:
    from queries import export
    written = export.export_all(_engine(args), Path(args.dir))
    for kind, (path, n) in written.items():
        print(f"{path}: {n:,} rows")
    return 0


def _read_password(args) -> str:
    """The new password: one line of standard input with --password-stdin, else typed twice (never echoed)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise users.UserError("The two passwords differ.")
    return first


def cmd_user(args) -> int:
    engine = _engine(args)
    migrate.upgrade(engine)
    try:
        if args.action == "list":
            listed = users.list_users(engine)
            for u in listed:
                print(f"{u.username}\t{u.role}\tcreated {u.created_at:%Y-%m-%d %H:%M} UTC")
            if not listed:
                print("No users. Add a data steward with: civmon user add NAME")
        elif args.action == "add":
            users.check_username(args.name)
            users.add(engine, args.name, _read_password(args))
            print(f"User {args.name} added: may sign in at /login and load data at /admin/import.")
        elif args.action == "password":
            if users.get(engine, args.name) is None:
                raise users.UserError(f"There is no user {args.name}.")
            users.set_password(engine, args.name, _read_password(args))
            print(f"Password of {args.name} changed; the user's open sessions have ended.")
        else:
            users.remove(engine, args.name)
            print(f"User {args.name} removed; the user's open sessions have ended.")
    except users.UserError as exc:
        print(f"civmon user: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args) -> int:
    if args.database_url:  # the app, its warming thread and its workers' queries all read the setting
        os.environ["DATABASE_URL"] = args.database_url
    from dashboard import app
    app.default().run(host=args.host, port=args.port, debug=False)
    return 0


def _report_help() -> str:
    lines = ["indicators:"]
    for q in registry.all_queries():
        if q.indicator:
            lines.append(f"  {q.id:36} {q.title}")
    lines.append("breakdowns for the pages:")
    for q in registry.all_queries():
        if not q.indicator:
            lines.append(f"  {q.id:36} {q.title}")
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="civmon", description="civmon: monitoring of cooperation between public "
                                "authorities and civil society organisations.")
    p.add_argument("--database-url", help="overrides DATABASE_URL (default: SQLite file data/civmon.db)")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create or upgrade the schema and load the shipped reference data").set_defaults(
        func=cmd_init)

    d = sub.add_parser("demo", help="load the deterministic demo dataset")
    d.add_argument("--scale", choices=("demo", "national"), default="demo")
    d.add_argument("--seed", type=int, default=None)
    d.add_argument("--if-empty", action="store_true", help="do nothing when the database already holds data")
    d.set_defaults(func=cmd_demo)

    i = sub.add_parser("import", help="validate and load one CSV or XLSX file")
    i.add_argument("kind", choices=list(KINDS), metavar="KIND", help=", ".join(KINDS))
    i.add_argument("file", metavar="FILE")
    i.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    i.add_argument("--map", metavar="M.toml", help="read the file's own headers and values through a mapping "
                                                   "(see data/mappings)")
    separator = i.add_mutually_exclusive_group()
    separator.add_argument("--decimal-comma", dest="decimal", action="store_const", const="comma",
                           help="numbers are written 25.000,50: a cell such as 25.000 is twenty-five thousand")
    separator.add_argument("--decimal-point", dest="decimal", action="store_const", const="point",
                           help="numbers are written 25,000.50: a cell such as 25.000 is twenty-five")
    i.set_defaults(func=cmd_import)

    r = sub.add_parser("report", help="print an indicator table", epilog=_report_help(),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("indicator", metavar="INDICATOR")
    r.add_argument("--country", action="append", help="ISO alpha-2 code; repeat or separate with commas")
    r.add_argument("--region", action="append", help="region code (level 2 rolls up to its county)")
    r.add_argument("--years", help="inclusive range such as 2019-2023, or one year")
    r.add_argument("--year-from", type=str)
    r.add_argument("--year-to", type=str)
    r.add_argument("--level", action="append", help="level of government; repeat or separate with commas")
    r.add_argument("--as-of", help="reference date for officers (default 31 Dec of the last year)")
    r.add_argument("--format", choices=("table", "csv", "json"), default="table")
    r.set_defaults(func=cmd_report)

    e = sub.add_parser("export", help="write every table in the import format (KIND.csv)")
    e.add_argument("dir", metavar="DIR")
    e.set_defaults(func=cmd_export)

    u = sub.add_parser("user", help="data stewards' accounts (who may load data at /admin/import)")
    actions = u.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every account: name, role, creation date").set_defaults(func=cmd_user)
    for action, text in (("add", "add an account; the password is asked for twice, or read from stdin"),
                         ("password", "change an account's password (ends its open sessions)"),
                         ("remove", "remove an account (ends its open sessions)")):
        a = actions.add_parser(action, help=text)
        a.add_argument("name", metavar="NAME")
        if action != "remove":
            a.add_argument("--password-stdin", action="store_true",
                           help="read the password from the first line of standard input (for scripts)")
        a.set_defaults(func=cmd_user)

    s = sub.add_parser("serve", help="development server (production: gunicorn, see Procfile)")
    s.add_argument("--port", type=int, default=8050)
    s.add_argument("--host", default="127.0.0.1")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
