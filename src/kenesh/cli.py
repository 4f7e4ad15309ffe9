"""The ``kenesh`` command: run the demo, serve the platform, or any Django command.

kenesh demo [--port N] [--data-dir DIR] [--scale N] [--no-serve]
kenesh serve [--host H] [--port N] [--threads N]
kenesh manage <django command> [args...]
kenesh purge [--before YYYY-MM-DD] [--dry-run] [--data-dir DIR]
"""

import argparse
import contextlib
import os
import secrets
import sys
import time
from pathlib import Path


def _prepare_environment(data_dir: str | None) -> Path:
    """Point settings at the data directory and give it a secret key of its own.

    Everything the platform writes from here on (the database, uploads, keys, static
    files) is readable by its own user only."""
    os.umask(0o077)
    if data_dir:
        os.environ["KENESH_DATA_DIR"] = str(Path(data_dir).resolve())
    directory = Path(os.environ.get("KENESH_DATA_DIR") or Path.cwd() / "var").resolve()
    (directory / "static").mkdir(parents=True, exist_ok=True)
    os.environ["KENESH_DATA_DIR"] = str(directory)
    if not os.environ.get("KENESH_SECRET_KEY"):
        key_file = directory / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["KENESH_SECRET_KEY"] = key_file.read_text().strip()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenesh.settings")
    return directory


def _setup_django():
    import django

    django.setup()


def serve(host: str, port: int, threads: int, *, worker: bool = True) -> None:
    """Serve with waitress; alongside, a supervised worker process runs background tasks
    (opinion maps, reports, mail and reminders) from the database queue: restarted if it
    exits, stopped with the server."""
    import atexit
    import signal

    from waitress import serve as waitress_serve

    from kenesh.supervisor import Supervisor
    from kenesh.wsgi import application

    if worker:
        supervisor = Supervisor(
            [
                sys.executable, "-m", "kenesh.cli", "manage", "kenesh_worker",
                "--interval", "2", "--parent-pid", str(os.getpid()),
            ],
            env=os.environ.copy(),
            name="background worker",
        ).start()  # fmt: skip
        atexit.register(supervisor.stop)
        print("Background worker started (opinion maps, reports, mail, reminders).", flush=True)

    def stop(signum, frame):
        # Turn SIGTERM into a normal exit, so atexit stops the worker too.
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"Kenesh is serving on http://{host}:{port}/  (Ctrl+C stops it)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        waitress_serve(application, host=host, port=port, threads=threads, ident="kenesh")


class _Steps:
    """Say what a long start is doing, with the seconds each part took."""

    def __init__(self):
        self.started = self.last = time.monotonic()

    def __call__(self, step: str) -> None:
        now = time.monotonic()
        print(f"  [{now - self.started:5.1f} s] {step}", flush=True)
        self.last = now


def collect_static() -> bool:
    """Collect hashed, compressed static files unless this very set is collected already
    (a fingerprint of every source file's name, size and time). True when it ran."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list(["CVS", ".*", "*~"]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    stamp = Path(settings.STATIC_ROOT) / ".kenesh-collected"
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and stamp.exists() and stamp.read_text() == digest.hexdigest():
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest.hexdigest())
    return True


def cmd_demo(args) -> int:
    directory = _prepare_environment(args.data_dir)
    _setup_django()
    from django.core.management import call_command

    from kenesh.demo.loader import DEMO_PASSWORD, demo_loaded, load_demo
    from kenesh.people.models import Person

    print(f"Data directory: {directory}", flush=True)
    steps = _Steps()
    steps("database: applying migrations")
    call_command("migrate", interactive=False, verbosity=0)
    steps("static files: hashing and compressing (once per version)")
    collect_static()
    if demo_loaded():
        print("The demo programme is already loaded.")
    elif Person.objects.exists():
        print("This database holds a programme that is not the demo; it is left as it is.")
    else:
        print(f"Loading the fictional demo programme (scale {args.scale})...", flush=True)
        result = load_demo(scale=args.scale, progress=steps)
        steps("done")
        print(f"Loaded {result.people} fictional people and {result.organizations} organisations.")
    _print_logins(DEMO_PASSWORD)
    if args.no_serve:
        return 0
    serve("127.0.0.1", args.port, args.threads)
    return 0


def _print_logins(password: str) -> None:
    from kenesh.access.models import User

    users = User.objects.filter(
        username__in=["admin", "staff", "mentor", "expert", "young", "donor"]
    ).order_by("date_joined", "id")
    if not users:
        return
    print(f"\nDemo logins (password for each: {password}):")
    for user in users:
        person = getattr(user, "person", None)
        who = ""
        if person:
            who = f" - {person.name_latin} ({person.get_track_display()}, {person.country})"
        print(f"  {user.username:<8} {user.get_role_display()}{who}")
    from django.conf import settings

    if settings.KENESH_MFA_REQUIRED:
        print(
            "\nadmin and staff set up two-step sign-in (an authenticator app) at their first"
            "\nsign-in; to try the demo without one, start it with KENESH_MFA_REQUIRED=0."
        )
    print()


def cmd_serve(args) -> int:
    _prepare_environment(args.data_dir)
    _setup_django()
    # Hashed, compressed static files for this version of the code.
    collect_static()
    serve(args.host, args.port, args.threads, worker=not args.no_worker)
    return 0


def cmd_manage(args) -> int:
    _prepare_environment(args.data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kenesh manage", *args.rest])
    return 0


def cmd_purge(args) -> int:
    _prepare_environment(args.data_dir)
    from django.core.management import execute_from_command_line

    rest = ["--before", args.before] if args.before else []
    if args.dry_run:
        rest.append("--dry-run")
    execute_from_command_line(["kenesh manage", "kenesh_purge", *rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kenesh", description="Kenesh expert-dialogue platform")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="migrate, load the fictional demo if empty, and serve")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--data-dir", help="where the SQLite database and files live (./var)")
    demo.add_argument("--scale", type=int, default=1, help="multiply the demo roster (benchmarks)")
    demo.add_argument("--no-serve", action="store_true", help="prepare the demo, do not serve")
    demo.add_argument("--threads", type=int, default=8)
    demo.set_defaults(func=cmd_demo)

    serve_p = sub.add_parser("serve", help="serve the platform with waitress")
    serve_p.add_argument("--host", default="127.0.0.1")
    serve_p.add_argument("--port", type=int, default=8000)
    serve_p.add_argument("--threads", type=int, default=8)
    serve_p.add_argument("--data-dir")
    serve_p.add_argument(
        "--no-worker", action="store_true", help="run background tasks elsewhere (db_worker)"
    )
    serve_p.set_defaults(func=cmd_serve)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("--data-dir")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    purge = sub.add_parser("purge", help="remove what the retention policy no longer keeps")
    purge.add_argument(
        "--before", help="remove what is older than this date, YYYY-MM-DD (default: the policy)"
    )
    purge.add_argument("--dry-run", action="store_true", help="list what would go, change nothing")
    purge.add_argument("--data-dir")
    purge.set_defaults(func=cmd_purge)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo" and args.scale < 1:
        print("--scale must be 1 or more", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
