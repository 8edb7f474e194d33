"""deploy/supervise.py with real processes: a program that dies is started again with
growing pauses, and the others keep running."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pid_of(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[-1])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def words(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def wait_for(predicate, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def start(tmp_path: Path, programs: dict[str, str]) -> subprocess.Popen:
    procfile = tmp_path / "Procfile"
    procfile.write_text("".join(f"{name}: {command}\n" for name, command in programs.items()))
    return subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "supervise.py"), str(procfile)],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def steady(name: str) -> str:
    """A program that appends its pid to <name>.pids and then runs until stopped."""
    return (
        f"{sys.executable} -c \"import os, time; open('{name}.pids', 'a').write(f' {{os.getpid()}}')"
        '; time.sleep(600)"'
    )


def test_a_killed_program_is_restarted_and_the_other_keeps_running(tmp_path):
    supervisor = start(tmp_path, {"web": steady("web"), "worker": steady("worker")})
    try:
        web = wait_for(lambda: pid_of(tmp_path / "web.pids"))
        worker = wait_for(lambda: pid_of(tmp_path / "worker.pids"))
        os.kill(worker, signal.SIGKILL)
        restarted = wait_for(lambda: (p := pid_of(tmp_path / "worker.pids")) != worker and p)
        assert restarted != worker
        os.kill(restarted, 0)  # the new one runs
        os.kill(web, 0)  # the web program was never touched
        assert pid_of(tmp_path / "web.pids") == web
    finally:
        os.killpg(supervisor.pid, signal.SIGTERM)
        _out, err = supervisor.communicate(timeout=30)
    assert supervisor.returncode == 0
    assert "worker exited with -9" in err
    # Both programs are gone after the supervisor stopped.
    for name in ("web", "worker"):
        pid = pid_of(tmp_path / f"{name}.pids")
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            pass
        else:
            raise AssertionError(f"{name} still runs after the supervisor stopped")


def test_a_program_failing_at_once_is_retried_with_growing_pauses(tmp_path):
    crash = (
        f"{sys.executable} -c \"import time; open('starts', 'a').write(f'{{time.monotonic()}} ')"
        '; raise SystemExit(3)"'
    )
    supervisor = start(tmp_path, {"broken": crash, "web": steady("web")})
    try:
        starts = wait_for(lambda: len(s := words(tmp_path / "starts")) >= 3 and s, seconds=20)
        web = pid_of(tmp_path / "web.pids")
        os.kill(web, 0)
    finally:
        os.killpg(supervisor.pid, signal.SIGTERM)
        _out, err = supervisor.communicate(timeout=30)
    times = [float(t) for t in starts[:3]]
    first_pause, second_pause = times[1] - times[0], times[2] - times[1]
    assert first_pause >= 1
    assert second_pause >= 2
    assert second_pause > first_pause
    assert "broken exited with 3" in err
    assert (tmp_path / "web.pids").read_text().split() == [str(web)]  # started once
