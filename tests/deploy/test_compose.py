"""The deployment files agree with the application: docker-compose.yml, Dockerfile, .dockerignore.

No Docker engine is needed and nothing touches the database: the compose file is read with PyYAML,
the Dockerfile as text, and the environment variables the application reads are found by parsing
the production settings module (and what it imports) with `ast`.
"""

import ast
import json
import re
import shlex
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = ROOT / "salesoffice" / "settings"
PRODUCTION = "salesoffice.settings.production"
APP_SERVICES = ("web", "worker", "beat")
# django-environ readers that read a variable of their own when called without a name
IMPLICIT = {"db": "DATABASE_URL", "email_url": "EMAIL_URL", "cache": "CACHE_URL"}


@cache
def settings_env_vars() -> dict[str, bool]:
    """{name: has_default} for every variable the production settings read, imports included."""
    found: dict[str, bool] = {}
    pending, seen = ["production"], set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        for node in ast.walk(ast.parse((SETTINGS_DIR / f"{module}.py").read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                pending.append(node.module)
            elif isinstance(node, ast.Call):
                read = _env_read(node)
                if read:
                    name, has_default = read
                    found[name] = found.get(name, True) and has_default
    return found


def _env_read(call: ast.Call) -> tuple[str, bool] | None:
    func, args = call.func, call.args
    named = args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
    keyword_default = any(k.arg == "default" for k in call.keywords)
    if isinstance(func, ast.Name) and func.id == "env" and named:  # env(var, cast, default)
        return args[0].value, keyword_default or len(args) > 2
    if isinstance(func, ast.Attribute) and ast.unparse(func.value) == "env":  # env.X(var, default)
        name = args[0].value if named else IMPLICIT.get(func.attr)
        return (name, keyword_default or len(args) > 1) if name else None
    if ast.unparse(func) in ("os.getenv", "os.environ.get") and named:
        return args[0].value, keyword_default or len(args) > 1
    return None


@cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def command(name: str) -> list[str]:
    cmd = service(name).get("command") or []
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


def worker_class(argv: list[str]) -> str:
    """gunicorn's worker class in argv; sync when none is given."""
    words = " ".join(argv).replace("=", " ").split()
    flags = [i for i, word in enumerate(words) if word in ("-k", "--worker-class")]
    return words[flags[-1] + 1] if flags else "sync"


@cache
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, current = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        keyword, _, rest = (current + line).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def test_the_settings_scan_finds_the_core_variables():
    """Guards the guard: a broken scan would make the variable checks below pass vacuously."""
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TIME_ZONE"} <= set(settings_env_vars())
    assert settings_env_vars()["SECRET_KEY"] is False, "SECRET_KEY must have no default"


def test_the_five_services_exist():
    """A deployer gets the database, the broker, the web server, the worker and the scheduler."""
    assert {"db", "redis", "web", "worker", "beat"} <= set(compose()["services"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_the_production_environment(name):
    """web, worker and beat cannot drift apart (another DB, DEBUG settings, another broker)."""
    env = service(name)["environment"]
    assert env == service("web")["environment"], f"{name} environment differs from web's"
    assert env["DJANGO_SETTINGS_MODULE"] == PRODUCTION
    for var in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "TIME_ZONE"):
        assert env.get(var), f"{name} does not set {var}"


def test_every_variable_without_a_default_is_given():
    """A setting added without a default would crash every container at start-up."""
    required = {var for var, has_default in settings_env_vars().items() if not has_default}
    missing = required - set(service("web")["environment"])
    assert not missing, f"required by the settings, absent from compose: {sorted(missing)}"


def test_compose_passes_exactly_the_variables_the_settings_read():
    """Every knob is configurable from the host, and a misspelt name is not silently ignored."""
    given = set(service("web")["environment"]) - {"DJANGO_SETTINGS_MODULE"}
    read = set(settings_env_vars())
    assert read - given == set(), f"read by the settings, not passed by compose: {read - given}"
    assert given - read == set(), f"passed by compose, read by nothing: {given - read}"


def test_secrets_have_no_default_in_compose():
    """`docker compose up` refuses to start without real secrets instead of using a known one."""
    secret = service("web")["environment"]["SECRET_KEY"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", secret), f"not required: {secret}"
    text = (ROOT / "docker-compose.yml").read_text()
    defaulted = re.findall(r"\$\{(SECRET_KEY|POSTGRES_PASSWORD)(?::?[-=+])", text)
    assert not defaulted, f"secrets with a default value: {defaulted}"


def test_urls_point_at_the_compose_services():
    """The app talks to the db and redis containers, not to a localhost that has neither."""
    env = {k: re.sub(r"\$\{[^}]*\}", "v", v) for k, v in service("web")["environment"].items()}
    db, redis = urlsplit(env["DATABASE_URL"]), urlsplit(env["REDIS_URL"])  # ${...} interpolated
    assert db.scheme in ("postgres", "postgresql", "pgsql") and db.hostname == "db"
    assert redis.scheme == "redis" and redis.hostname == "redis"
    assert db.path.lstrip("/") == service("db")["environment"]["POSTGRES_DB"]
    assert db.username == service("db")["environment"]["POSTGRES_USER"]


def test_commands_run_the_right_processes():
    """web serves WSGI with sync gunicorn, the worker consumes tasks, beat reads the DB schedule."""
    web = command("web")
    assert web[0] == "gunicorn" and "salesoffice.wsgi:application" in web
    assert worker_class(web) == "sync", "the settings keep persistent DB connections per worker"
    assert command("worker")[:4] == ["celery", "-A", "salesoffice", "worker"]
    beat = command("beat")
    assert beat[:4] == ["celery", "-A", "salesoffice", "beat"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in " ".join(beat)


def test_migrations_run_before_the_app_services():
    """Workers and beat never start against a schema older than the code."""
    migrators = [n for n in compose()["services"] if "migrate" in command(n)]
    assert migrators, "no service runs `manage.py migrate`"
    for name in APP_SERVICES:
        for migrator in set(migrators) - {name}:
            condition = service(name)["depends_on"][migrator]["condition"]
            assert condition == "service_completed_successfully", (name, migrator)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_db_and_redis(name):
    """No crash loop while PostgreSQL is still initialising or Redis is not yet accepting."""
    depends = service(name)["depends_on"]
    for dependency in ("db", "redis"):
        assert depends[dependency]["condition"] == "service_healthy", (name, dependency)


def test_every_service_has_a_healthcheck():
    """A hung process shows as unhealthy; only one-shot jobs may disable the check."""
    for name, spec in compose()["services"].items():
        check = spec.get("healthcheck") or {}
        if spec.get("restart") == "no":  # one-shot: must say so explicitly
            assert check.get("disable") or check.get("test"), f"{name}: decide on a healthcheck"
            continue
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"
    assert "/health/" in " ".join(service("web")["healthcheck"]["test"])
    assert "inspect ping" in " ".join(service("worker")["healthcheck"]["test"])


def test_postgres_data_lives_in_the_volume():
    """postgres:18 keeps its data under /var/lib/postgresql; the old /data mount loses it."""
    assert any(v.split(":")[1] == "/var/lib/postgresql" for v in service("db")["volumes"])


def test_dockerfile_runs_production_gunicorn_and_checks_health():
    """The image alone (docker run) serves production settings with sync workers, as non-root."""
    steps = dockerfile()
    assert steps[0] == ("FROM", "python:3.13-slim")
    cmd = json.loads(next(args for op, args in steps if op == "CMD"))
    assert cmd[:2] == ["gunicorn", "salesoffice.wsgi:application"]
    assert worker_class(cmd) == "sync"
    assert "/health/" in next(args for op, args in steps if op == "HEALTHCHECK")
    assert f"DJANGO_SETTINGS_MODULE={PRODUCTION}" in " ".join(a for op, a in steps if op == "ENV")
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0"), "the runtime user must not be root"
    builds = " ".join(args for op, args in steps if op == "RUN")
    assert "compiletranslations" in builds and "collectstatic --noinput" in builds


def test_dockerfile_bakes_no_secret():
    """Build-time dummies stay in their RUN line; nothing secret persists into the image."""
    for op, args in dockerfile():
        if "SECRET_KEY" in args:
            assert op == "RUN", f"SECRET_KEY in {op}: it would persist in the image"
            for value in re.findall(r"SECRET_KEY=(\S+)", args):
                assert "build-only" in value, f"not an obvious build-only value: {value}"


def test_dockerignore_keeps_local_state_out_of_the_image():
    """No local .env secrets, virtualenv, git history or compiled leftovers in the build context."""
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignored = {line.strip().removeprefix("**/").strip("/") for line in lines}
    assert {".env", ".venv", ".git", ".data", "__pycache__", "staticfiles", "*.mo"} <= ignored
