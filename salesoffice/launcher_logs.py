"""The logs of bin/run (issue 14): each tool's own output in a file of its own under
$SALESOFFICE_DATA_DIR/logs/ (migrate.log, gunicorn.log, worker.log, beat.log, …), so that the
terminal keeps one line per phase and, last, the address and the demo users.

A file is appended to from one start to the next (a file past LOG_MAX_BYTES is moved to
`<name>.log.1` first); `Log.text()` is what this start wrote, which the launcher reads to count
the migrations applied and to see the worker and beat become ready. The files are readable by
their owner only: demo_data writes the demo passwords into its log.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo
from pathlib import Path

from .launcher_config import time_zone

LOG_MAX_BYTES = 10 * 1024 * 1024


def log_line(name: str, message: str) -> str:
    """A line as the tools write theirs (launcher_config.LOG_FORMAT), in the office's time."""
    now = datetime.datetime.now(zoneinfo.ZoneInfo(time_zone()))
    return f"{now:%Y-%m-%d %H:%M:%S},{now.microsecond // 1000:03d} INFO {name}: {message}\n"


class Log:
    def __init__(self, directory: Path, name: str):
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = directory / f"{name}.log"
        if self.path.exists() and self.path.stat().st_size > LOG_MAX_BYTES:
            self.path.replace(self.path.with_name(f"{name}.log.1"))
        self.start = self.path.stat().st_size if self.path.exists() else 0

    def open(self):
        """The file to hand to a child as its stdout and stderr (append, 0600)."""
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(descriptor, "ab")

    def note(self, message: str) -> None:
        with self.open() as file:
            file.write(log_line("launcher", message).encode())

    def text(self) -> str:
        """What was written since this start."""
        try:
            with self.path.open("rb") as file:
                file.seek(self.start)
                return file.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.text().rstrip("\n").splitlines()[-lines:])
