"""§4 service-name: port number to service name and back, through the services database."""

from __future__ import annotations

import argparse
import socket
import sys

from sockspec_reference._argtypes import port_number
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Failure, Recipe, ask, say


def service_of(port: int, protocol: str) -> str:
    try:
        return socket.getservbyport(port, protocol)
    except OSError as exc:
        raise Failure(f"No service for port {port}/{protocol}: {exc}", ExitCode.FAILURE) from exc


def port_of(service: str, protocol: str) -> int:
    try:
        return socket.getservbyname(service, protocol)
    except OSError as exc:
        raise Failure(f"No port for service {service!r}/{protocol}: {exc}", ExitCode.FAILURE) from exc


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=port_number, help="port number (0..65535) to name")
    parser.add_argument("--service", help="service name to look up, e.g. http")
    parser.add_argument("--protocol", choices=("tcp", "udp"), default="tcp", help="default: tcp")


def run(args: argparse.Namespace) -> ExitCode:
    if args.port is None and args.service is None:
        if not sys.stdin.isatty():
            args.parser.error("give --port, --service or both")
        args.port = ask(args, "port", "port:", port_number)
        args.service = ask(args, "service", "service:", str)
    protocol = args.protocol
    if args.port is not None:
        name = service_of(args.port, protocol)
        say(f"Port: {args.port}  Protocol: {protocol} => service name: {name}")
    if args.service is not None:
        port = port_of(args.service, protocol)
        say(f"Service: {args.service}  Protocol: {protocol} => port name: {port}")
    return ExitCode.OK


RECIPE = Recipe(
    name="service-name",
    summary="look up the service name of --port and/or the port of --service",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)
