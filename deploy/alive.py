"""The worker container's health check: has the worker's loop gone round lately?

    python deploy/alive.py [FILE] [MAX_AGE_SECONDS]

The worker touches FILE (default var/worker.alive) on every turn of its loop, which
waits at most its interval between turns and at most a render's budget inside one.
"""

import sys
import time
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else "var/worker.alive")
max_age = float(sys.argv[2]) if len(sys.argv) > 2 else 180
try:
    age = time.time() - path.stat().st_mtime
except FileNotFoundError:
    sys.exit(f"{path} does not exist: the worker has not started")
if age > max_age:
    sys.exit(f"the worker's last heartbeat was {age:.0f} s ago")
print(f"alive ({age:.0f} s ago)")
