"""A harness that dies with a traceback."""

from _base import Request, serve


def crash(request: Request) -> None:
    raise RuntimeError(f"the fake harness broke down on {request['fn']}")


serve(crash)
