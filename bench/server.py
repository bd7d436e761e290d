"""gunicorn on 127.0.0.1 serving bench.settings, and the resident memory of its workers,
sampled from /proc while the load runs."""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: SIGTERM when the suite's process dies, whatever killed it (Linux)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return found


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    """`with Server(env, workers=4, log=path) as server:` … `server.url`."""

    def __init__(self, env: dict, *, workers: int, log_path: Path, timeout: int = 60):
        self.env, self.workers, self.log_path = env, workers, log_path
        self.timeout = timeout  # the department part: its inbox page takes minutes
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.peak_kb: dict[int, int] = {}
        self._sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    def __enter__(self) -> "Server":
        command = [
            sys.executable, "-m", "gunicorn", "salesoffice.wsgi:application",
            "--workers", str(self.workers), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{self.port}", "--backlog", "2048",
            "--no-control-socket", "--error-logfile", str(self.log_path),
            "--timeout", str(self.timeout),
        ]  # fmt: skip
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent,
        )  # fmt: skip
        self._wait_ready()
        self._sampling.set()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                urllib.request.urlopen(f"{self.url}/health/", timeout=2).read()  # noqa: S310
                if len(self.worker_pids()) >= self.workers:
                    return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {timeout:.0f} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def _sample(self) -> None:
        while self._sampling.is_set():
            for pid in self.worker_pids():
                kb = rss_kb(pid)
                if kb > self.peak_kb.get(pid, 0):
                    self.peak_kb[pid] = kb
            time.sleep(0.1)

    def memory(self) -> dict:
        peaks = sorted(self.peak_kb.values(), reverse=True)
        return {
            "workers_sampled": len(peaks),
            "peak_worker_rss_mb": round(peaks[0] / 1024, 1) if peaks else None,
            "peak_worker_rss_mb_each": [round(p / 1024, 1) for p in peaks],
        }

    def __exit__(self, *exc) -> None:
        self._sampling.clear()
        if self._sampler:
            self._sampler.join(timeout=2)
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
