"""A small process supervisor for the stack without Docker (deploy/serve.sh).

Runs every program of a Procfile (`name: command`), each in a process group of its
own. A program that exits is started again after a pause that doubles with each quick
failure (1 s, 2 s, 4 s … at most 30 s; a run of a minute or more resets it), and the
others are left alone: a crashed worker never takes the web server down, nor the other
way round. SIGTERM or SIGINT stops everything: SIGTERM to each program, SIGKILL to what
is left after the grace period.

    python deploy/supervise.py deploy/Procfile
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

FIRST_PAUSE, MAX_PAUSE = 1.0, 30.0
# A program that ran this long was healthy: its next failure starts the pauses afresh.
STEADY_SECONDS = 60.0
GRACE_SECONDS = 40.0


def log(message: str) -> None:
    print(f"supervise: {message}", file=sys.stderr, flush=True)


@dataclass
class Program:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    pause: float = FIRST_PAUSE
    restart_at: float | None = field(default=0.0)

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, process_group=0)
        self.started = time.monotonic()
        self.restart_at = None
        log(f"{self.name} started (pid {self.process.pid})")

    def reap(self) -> None:
        """Notice an exit and schedule the restart."""
        if self.process is None or self.process.poll() is None:
            return
        code = self.process.returncode
        ran = time.monotonic() - self.started
        # What the program started (gunicorn's own workers) goes with it.
        _signal_group(self.process.pid, signal.SIGKILL)
        self.process = None
        if ran >= STEADY_SECONDS:
            self.pause = FIRST_PAUSE
        log(f"{self.name} exited with {code} after {ran:.0f} s; restarting in {self.pause:.0f} s")
        self.restart_at = time.monotonic() + self.pause
        self.pause = min(self.pause * 2, MAX_PAUSE)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def read_procfile(path: Path) -> list[Program]:
    programs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, command = line.partition(":")
            programs.append(Program(name.strip(), shlex.split(os.path.expandvars(command))))
    if not programs:
        raise SystemExit(f"{path} names no program")
    return programs


def run(programs: list[Program]) -> int:
    stopping = False

    def stop(signum, _frame) -> None:
        nonlocal stopping
        if not stopping:
            log(f"{signal.Signals(signum).name}: stopping every program")
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        now = time.monotonic()
        for program in programs:
            program.reap()
            due = program.restart_at is not None and now >= program.restart_at
            if program.process is None and due and not stopping:
                program.start()
        time.sleep(0.2)
    return shutdown(programs)


def shutdown(programs: list[Program]) -> int:
    running = [p for p in programs if p.process and p.process.poll() is None]
    for program in running:
        _signal_group(program.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for program in running:
        try:
            program.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{program.name} did not stop within {GRACE_SECONDS:.0f} s: killed")
        _signal_group(program.process.pid, signal.SIGKILL)
        program.process.wait()
    log("stopped")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(run(read_procfile(Path(sys.argv[1]))))
