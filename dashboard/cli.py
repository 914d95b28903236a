"""The ``dashboard`` command: migrate, demo data, missing invoices, users, API keys, serve."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.staff.roles import Role


async def _with_db(coro_factory):
    from dashboard.db import transaction

    await transaction.start()
    try:
        return await coro_factory()
    finally:
        await transaction.stop()


def cmd_migrate(_: argparse.Namespace) -> int:
    from dashboard.db.migrate import migrate

    asyncio.run(migrate())
    print("Database is up to date.")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from dashboard.services.demo.shop import load_demo_data

    summary = asyncio.run(_with_db(lambda: load_demo_data(orders=args.orders, seed=args.seed)))
    print(summary)
    return 0


def cmd_issue_missing_invoices(_: argparse.Namespace) -> int:
    from dashboard.services.printing import issue_missing_invoices

    issued = asyncio.run(_with_db(lambda: issue_missing_invoices("cli")))
    print(f"{issued} missing invoice(s) issued.")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from dashboard.services.staff.auth import create_user

    password = os.environ.get("DASHBOARD_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print("Set DASHBOARD_PASSWORD or run in a terminal to type the password.", file=sys.stderr)
            return 2
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            print("The two passwords differ.", file=sys.stderr)
            return 2
    try:
        asyncio.run(_with_db(lambda: create_user(args.username, args.role, password,
                                                 display_name=args.display_name or "")))
    except ValidationFailed as exc:
        for field, problem in exc.fields.items():
            print(f"{field}: {problem}", file=sys.stderr)
        return 2
    print(f"User {args.username} ({args.role}) created.")
    return 0


def cmd_api_key_create(args: argparse.Namespace) -> int:
    from dashboard.services.staff.auth import create_api_key

    try:
        key = asyncio.run(_with_db(lambda: create_api_key(args.name)))
    except ValidationFailed as exc:
        print(f"name: {exc.fields.get('name')}", file=sys.stderr)
        return 2
    print(f"API key {args.name!r} created. It is shown once; store it now:")
    print(key)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The web app; ``--workers N`` runs N server processes on the same port (uvicorn's
    supervisor restarts one that dies). Every process is stateless: sessions, print
    batches, live-update versions and the outbox are rows, so any process answers any
    request, and each process's background worker claims outbox rows without sharing.
    For several processes use PostgreSQL: SQLite takes one writer at a time."""
    import uvicorn

    if args.workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return 2
    uvicorn.run("dashboard.app:create_app", factory=True, host=args.host, port=args.port,
                ws="none", loop="uvloop", http="httptools", log_level=args.log_level,
                proxy_headers=True, workers=args.workers)
    return 0


def cmd_worker(_: argparse.Namespace) -> int:
    import logging
    import signal

    from dashboard.services.printing.documents import seller_identity_problem
    from dashboard.services.printing.labels import printers_problem
    from dashboard.worker import build_worker

    if problem := seller_identity_problem():  # the worker attaches invoices to emails
        raise SystemExit(problem)
    if problem := printers_problem():  # the worker sends the print jobs
        raise SystemExit(problem)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await build_worker().run(stop)

    asyncio.run(_with_db(run))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dashboard", description="Order desk back office")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply migrations to DATABASE_URL").set_defaults(func=cmd_migrate)

    demo = sub.add_parser("demo-data", help="fill a realistic demo shop")
    demo.add_argument("--orders", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=42)
    demo.set_defaults(func=cmd_demo_data)

    sub.add_parser("issue-missing-invoices",
                   help="issue the invoices of orders already paid (or shipped, per "
                        "DASHBOARD_INVOICE_AT) that have none, in that order"
                   ).set_defaults(func=cmd_issue_missing_invoices)

    user = sub.add_parser("create-user", help="create a staff account")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--display-name", default="")
    user.set_defaults(func=cmd_create_user)

    api_key = sub.add_parser("api-key", help="manage API keys")
    api_sub = api_key.add_subparsers(dest="api_command", required=True)
    create = api_sub.add_parser("create", help="create a key (printed once, on the last line)")
    create.add_argument("--name", required=True)
    create.set_defaults(func=cmd_api_key_create)

    serve = sub.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="server processes on this port (default 1; PostgreSQL for more)")
    serve.add_argument("--log-level", default="info",
                       choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("worker", help="run the background worker alone (outbox, auto-cancel)"
                   ).set_defaults(func=cmd_worker)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
