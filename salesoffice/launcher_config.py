"""What bin/run (salesoffice.launcher) tells the processes it starts: the settings and their
environment (issue 13), and the one line format and time zone of their logs (issue 14).

A small office runs exactly `bin/run` on its shared PC, often with `--host 0.0.0.0`, so the
defaults are those of a production server: DEBUG only with `--debug`; a secret key generated
once and kept in the data directory, readable by its owner only; ALLOWED_HOSTS the names of the
address listened on (for 0.0.0.0 this computer's own names and addresses), never "*".

Standard library only (psutil when installed): salesoffice.settings.office imports it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import socket
from pathlib import Path

SETTINGS_MODULE = "salesoffice.settings.office"
SECRET_KEY_FILE = "secret-key"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
EVERY_ADDRESS = ("0.0.0.0", "::", "")  # noqa: S104 - the addresses that mean "listen everywhere"
OFFICE_TIME_ZONE = "Asia/Shanghai"

# One line format for every log in .data/logs/ (gunicorn, the Celery worker and beat, Django's
# own loggers, the launcher's notes), the time in the office's zone (TZ, set for every child).
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TASK_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(task_name)s[%(task_id)s] %(message)s"
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'  # the line's time is LOG_FORMAT's


def time_zone() -> str:
    return os.environ.get("TIME_ZONE") or OFFICE_TIME_ZONE


def secret_key(data_dir: Path) -> str:
    """The key of this installation: generated on the first start, the same on every later one
    (sessions and password-reset links survive a restart), in a file only its owner reads."""
    path = data_dir / SECRET_KEY_FILE
    with contextlib.suppress(FileNotFoundError):
        key = path.read_text().strip()
        if len(key) >= 50:  # Django's own minimum (security.W009); a cut file is replaced
            path.chmod(0o600)
            return key
        path.unlink()
    key = secrets.token_urlsafe(50)
    # created 0600 from the start: never readable by others, not even for a moment
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


def host_entry(address: str) -> str:
    """An address as ALLOWED_HOSTS matches it: an IPv6 address in brackets, as in a URL."""
    return f"[{address}]" if ":" in address else address


def allowed_hosts(host: str, extra: str = "") -> list[str]:
    """The names a browser may reach the application by, listening on `host`; `extra` adds the
    comma-separated names of ALLOWED_HOSTS from the environment (an office's own DNS name),
    "*" excepted."""
    names = list(LOOPBACK_HOSTS)
    if host in EVERY_ADDRESS:
        names += machine_names()
    elif host not in LOOPBACK:
        names.append(host_entry(host))
    names += [name.strip() for name in extra.split(",") if name.strip() not in ("", "*")]
    return list(dict.fromkeys(name.lower() for name in names))


def machine_names() -> list[str]:
    """This computer's host name and its addresses (what `hostname` and `ip -o addr` show):
    what a colleague may type into the browser to reach it."""
    hostname = socket.gethostname()
    found = [hostname, f"{hostname}.local", socket.getfqdn()]
    with contextlib.suppress(OSError):
        found += [info[4][0] for info in socket.getaddrinfo(hostname, None)]
    found += interface_addresses()
    names = []
    for name in found:
        try:
            address = ipaddress.ip_address(name.split("%")[0])
        except ValueError:
            names.append(name)
            continue
        if address.version == 6 and address.is_link_local:
            continue  # fe80::…%eth0 cannot be typed into a Host header
        names.append(host_entry(str(address)))
    return names


def interface_addresses() -> list[str]:
    """Every interface's IPv4 and IPv6 address (psutil); without psutil, the address this
    computer reaches the network by."""
    try:
        import psutil
    except ImportError:
        with (
            contextlib.suppress(OSError),
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe,
        ):
            probe.connect(("192.0.2.1", 9))  # no packet is sent: it only picks a route
            return [probe.getsockname()[0]]
        return []
    families = (socket.AF_INET, socket.AF_INET6)
    return [
        address.address
        for addresses in psutil.net_if_addrs().values()
        for address in addresses
        if address.family in families
    ]


def lan_addresses() -> list[str]:
    """The IPv4 addresses colleagues on the office's network use (for the banner)."""
    addresses = []
    for name in interface_addresses():
        with contextlib.suppress(ValueError):
            address = ipaddress.ip_address(name)
            if address.version == 4 and not address.is_loopback and not address.is_link_local:
                addresses.append(name)
    return list(dict.fromkeys(addresses))


def settings_environment(host: str, data_dir: Path, *, debug: bool = False) -> dict[str, str]:
    """The variables that make salesoffice.settings.office what bin/run serves: they replace
    whatever the shell has (a DEBUG=true left in it does not turn debugging on)."""
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "DEBUG": "true" if debug else "false",
        "SECRET_KEY": secret_key(data_dir),
        "ALLOWED_HOSTS": ",".join(allowed_hosts(host, os.environ.get("ALLOWED_HOSTS", ""))),
        "TIME_ZONE": time_zone(),
        "TZ": time_zone(),  # the children's log lines: the office's time, from their first line
        "PYTHONUNBUFFERED": "1",
    }


def gunicorn_logging() -> dict:
    """gunicorn's log configuration (--log-config-json): its own lines and its access lines in
    LOG_FORMAT, on its output, which the launcher keeps in .data/logs/gunicorn.log."""
    handler = {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stdout"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"format": LOG_FORMAT}},
        "handlers": {"console": handler},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            name: {"level": "INFO", "handlers": ["console"], "propagate": False}
            for name in ("gunicorn.error", "gunicorn.access")
        },
    }
