"""A harness that stops answering, after starting a child of its own."""

import subprocess
import sys
import time

from _base import Request, serve


def hang(request: Request) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    print(f"fake harness started child {child.pid} and now hangs", file=sys.stderr, flush=True)
    time.sleep(60)


serve(hang)
