"""The recipe programs, one module per subcommand, in the tutorial's order.

A module is imported only when its recipe runs, so each program run pays for
its own imports (asyncio for the echo server, ntplib for ntp-time) and not for
all fifteen: that roughly halves the start-up time of every run.
"""

from __future__ import annotations

import importlib

from sockspec_reference._program import Recipe

#: recipe name -> module in this package, in the tutorial's order.
MODULES: dict[str, str] = {
    "show-ip": "show_ip",  # §1
    "remote-ip": "remote_ip",  # §2
    "ip4-convert": "ip4_convert",  # §3
    "service-name": "service_name",  # §4
    "byte-order": "byte_order",  # §5
    "socket-timeout": "socket_timeout",  # §6
    "socket-modes": "socket_modes",  # §6
    "http-get": "http_get",  # §7
    "buffer-size": "buffer_size",  # §8
    "reuse-server": "reuse_server",  # §9
    "ntp-time": "ntp_time",  # §10
    "sntp-time": "sntp_time",  # §10
    "sntp-server": "sntp_server",  # §10
    "echo-server": "echo_server",  # §11
    "echo-client": "echo_client",  # §11
}


def load(name: str) -> Recipe:
    """The recipe called ``name``, importing its module now."""
    recipe: Recipe = importlib.import_module(f"{__name__}.{MODULES[name]}").RECIPE
    return recipe


def load_all() -> tuple[Recipe, ...]:
    """Every recipe, in the tutorial's order."""
    return tuple(load(name) for name in MODULES)


__all__ = ["MODULES", "load", "load_all"]
