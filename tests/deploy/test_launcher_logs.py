"""Issue 14: bin/run keeps each tool's output in .data/logs/, one file each, one line format in
the office's time zone; the launcher reads what this start wrote."""

import datetime
import logging
import re
import stat
import zoneinfo

from salesoffice.launcher_config import LOG_FORMAT
from salesoffice.launcher_logs import LOG_MAX_BYTES, Log, log_line

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO [\w.]+: .+$")


def test_a_log_is_appended_to_and_read_from_this_start(tmp_path):
    Log(tmp_path, "migrate").note("an earlier start")
    log = Log(tmp_path, "migrate")
    with log.open() as output:
        output.write(b"  Applying leads.0001_initial... OK\n")
    assert log.text() == "  Applying leads.0001_initial... OK\n"
    assert "an earlier start" in log.path.read_text()
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600  # demo passwords are in one of them


def test_a_large_log_is_moved_aside(tmp_path):
    (tmp_path / "gunicorn.log").write_bytes(b"x" * (LOG_MAX_BYTES + 1))
    log = Log(tmp_path, "gunicorn")
    assert log.start == 0 and (tmp_path / "gunicorn.log.1").exists()


def test_the_launchers_lines_look_like_the_tools_lines(monkeypatch):
    monkeypatch.delenv("TIME_ZONE", raising=False)
    ours = log_line("launcher", "starting gunicorn").rstrip("\n")
    record = logging.LogRecord("gunicorn.error", logging.INFO, "", 0, "Booting worker", (), None)
    theirs = logging.Formatter(LOG_FORMAT).format(record)
    assert LINE.match(ours) and LINE.match(theirs)
    stamp = datetime.datetime.strptime(ours[:19], "%Y-%m-%d %H:%M:%S")
    shanghai = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs((shanghai - stamp).total_seconds()) < 60  # the office's time, whatever the TZ
