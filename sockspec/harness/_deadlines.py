"""How long one harness call may legitimately take, derived from what the call does.

The kit waits for each call ``call_timeout`` (the run's ``--io-timeout``, the
margin for a round trip on a loaded machine) plus what the implementation may
legitimately spend on the call itself.  A deadline shorter than that would
judge the kit's impatience instead of the implementation:

- a call on a socket with a timeout may block that long (``blocking_allowance``);
- a call that looks a name up may take as long as a resolver with the usual
  defaults takes to give up, ``LOOKUP_ALLOWANCE_S``: resolv.conf(5)'s
  default timeout (5 s) times its default attempts (2).  The resolver
  sandbox asks for far less (1 s, one attempt), but an implementation with a
  resolver of its own may ignore that, and giving up after its own 5 s is
  still correct (docs/harness-protocol.md, §6);
- ``start``, the first request of a fresh process, may take as long as the
  harness's runtime takes to start, ``START_ALLOWANCE_S``.  A JVM spends 3 to
  5 s of CPU starting Jython: 2 to 5 s on two cores kept busy, up to 24 s
  where a dozen processes share them.  Only a harness that never answers
  waits the allowance out, so it is generous.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping, Sequence

__all__ = ["LOOKUP_ALLOWANCE_S", "START_ALLOWANCE_S", "blocking_allowance", "call_allowance"]

#: resolv.conf(5) defaults: ``timeout:5`` and ``attempts:2``.
_RESOLVER_TIMEOUT_S = 5.0
_RESOLVER_ATTEMPTS = 2
LOOKUP_ALLOWANCE_S = _RESOLVER_TIMEOUT_S * _RESOLVER_ATTEMPTS
#: What answering ``start`` may take beyond ``call_timeout``: a runtime starting up on a crowded machine.
START_ALLOWANCE_S = 30.0

#: Module functions that look names (or, for the reverse ones, addresses) up.
_LOOKUP_FUNCTIONS = frozenset(
    {"gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getfqdn", "getaddrinfo", "getnameinfo"}
)
#: Module functions that resolve their address argument, then connect or bind.
_ADDRESS_FUNCTIONS = frozenset({"create_connection", "create_server"})
#: Socket methods whose address argument may name a host.
_ADDRESS_METHODS = frozenset({"connect", "connect_ex", "bind", "sendto"})
#: Host strings the socket API takes without a lookup.
_NO_LOOKUP_HOSTS = frozenset({"", "<broadcast>"})


def blocking_allowance(timeout: object) -> float:
    """Seconds a call may legitimately block on a socket whose timeout is ``timeout``.

    ``None`` (blocking) allows nothing extra: such a call is bounded by the
    client's ``call_timeout`` alone, because the kit never waits for ever.
    """
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) and math.isfinite(timeout) and timeout > 0:
        return float(timeout)
    return 0.0


def call_allowance(fn: str, args: Sequence[object], kwargs: Mapping[str, object], *, method: bool) -> float:
    """Seconds beyond a socket's own timeout that the call ``fn(*args, **kwargs)`` may take.

    ``method`` says whether ``fn`` is a socket method (whose socket timeout the
    caller adds) or a module function.
    """
    if method:
        return LOOKUP_ALLOWANCE_S if fn in _ADDRESS_METHODS and _names_a_host(args) else 0.0
    if fn in _LOOKUP_FUNCTIONS:
        return LOOKUP_ALLOWANCE_S
    if fn in _ADDRESS_FUNCTIONS:
        timeout = kwargs.get("timeout", args[1] if fn == "create_connection" and len(args) > 1 else None)
        return LOOKUP_ALLOWANCE_S + blocking_allowance(timeout)
    return 0.0


def _names_a_host(args: Sequence[object]) -> bool:
    """Whether an address among ``args`` gives its host as a name, which takes a lookup."""
    for arg in args:
        if isinstance(arg, tuple) and arg and isinstance(arg[0], str) and arg[0] not in _NO_LOOKUP_HOSTS:
            try:
                ipaddress.ip_address(arg[0].partition("%")[0])  # an IPv6 literal may carry a scope
            except ValueError:
                return True
    return False
