"""The recipe programs, one module per subcommand, in the tutorial's order."""

from __future__ import annotations

from reference._program import Recipe
from reference.recipes import (
    buffer_size,
    byte_order,
    echo_client,
    echo_server,
    http_get,
    ip4_convert,
    ntp_time,
    remote_ip,
    reuse_server,
    service_name,
    show_ip,
    sntp_server,
    sntp_time,
    socket_modes,
    socket_timeout,
)

RECIPES: tuple[Recipe, ...] = (
    show_ip.RECIPE,  # §1
    remote_ip.RECIPE,  # §2
    ip4_convert.RECIPE,  # §3
    service_name.RECIPE,  # §4
    byte_order.RECIPE,  # §5
    socket_timeout.RECIPE,  # §6
    socket_modes.RECIPE,  # §6
    http_get.RECIPE,  # §7
    buffer_size.RECIPE,  # §8
    reuse_server.RECIPE,  # §9
    ntp_time.RECIPE,  # §10
    sntp_time.RECIPE,  # §10
    sntp_server.RECIPE,  # §10
    echo_server.RECIPE,  # §11
    echo_client.RECIPE,  # §11
)

__all__ = ["RECIPES"]
