"""A harness that answers with a line that is not JSON."""

import sys

from _base import Request, serve


def babble(request: Request) -> None:
    sys.stdout.write("Segmentation fault? No: this is simply not JSON\n")
    sys.stdout.flush()


serve(babble)
