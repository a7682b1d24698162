"""Fixtures of the program specs: shared runs, the kit's servers, servers and clients under test.

Strategy: a program spec runs the IUT's recipe as a command and judges what
it printed, its exit status and what it did on the wire.  The helpers are
modules named for their job: ``_checks`` (output and exit status),
``_peers`` (the specs' own sockets), ``_servers`` (server recipes under
test), ``_scenarios`` (client runs against the kit's servers).  This file
holds only the fixtures, so every spec module gets them the pytest way.
Every server is stopped at teardown; the kit's own servers when the run ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from sockspec.outcomes import not_applicable
from sockspec.process import Spawned
from sockspec.programs import Programs
from sockspec.servers.echo import EchoServer
from sockspec.servers.sntp import SntpServers
from sockspec.shared_runs import Shared
from sockspec.state import run_state
from sockspec.targets import beyond_control
from specs.program._scenarios import ClientRuns, EchoClients, SntpClients
from specs.program._servers import SERVER_WAIT, ServerStarter, ServerUnderTest, SntpServersUnderTest, Started
from specs.program._targets import TargetServer, TargetSntpServers

_KIT_SNTP = pytest.StashKey[SntpServers]()
_KIT_ECHO = pytest.StashKey[EchoServer]()


@pytest.fixture(scope="session")
def shared() -> Shared:
    """Runs that several cases judge, made once for the session (see ``sockspec.shared_runs``)."""
    return Shared()


# -- the kit's servers (shared by the whole run) --------------------------------


@pytest.fixture(scope="session")
def kit_sntp(pytestconfig: pytest.Config) -> SntpServers:
    """The kit's SNTP servers, one per setup, shared by every module; stopped when the run ends."""
    servers = pytestconfig.stash.get(_KIT_SNTP, None)
    if servers is None:
        servers = SntpServers()
        pytestconfig.stash[_KIT_SNTP] = servers
        pytestconfig.add_cleanup(servers.stop_all)
    return servers


@pytest.fixture(scope="session")
def kit_echo(pytestconfig: pytest.Config) -> EchoServer:
    """The kit's echo server, shared by every module; stopped when the run ends."""
    echo = pytestconfig.stash.get(_KIT_ECHO, None)
    if echo is None:
        echo = EchoServer().start()
        pytestconfig.stash[_KIT_ECHO] = echo
        pytestconfig.add_cleanup(echo.stop)
    return echo


# -- servers under test -----------------------------------------------------------


def _own_process(pytestconfig: pytest.Config, recipe: str, args: tuple[str, ...]) -> None:
    """A case that starts ``recipe`` itself is N/A where ``--target`` names it: it runs elsewhere."""
    if run_state(pytestconfig).implementation.target(recipe) is not None:
        not_applicable(beyond_control(f"start it with options of its own ({recipe} {' '.join(args)})"))


@pytest.fixture
def start_server(pytestconfig: pytest.Config, programs: Programs) -> Iterator[ServerStarter]:
    """Start server recipes for one case: ``start_server(recipe, *args, lines=N)``; all stopped at teardown.

    A recipe that ``--target`` names runs elsewhere, so a case that starts it is N/A.
    """
    started: list[Started] = []

    def start(recipe: str, *args: str, lines: int = 1) -> Started:
        _own_process(pytestconfig, recipe, args)
        server = Started(programs.argv(recipe, *args), lines=lines, ready_timeout=SERVER_WAIT)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def spawn_server(pytestconfig: pytest.Config, programs: Programs) -> Iterator[Callable[..., Spawned]]:
    """Start echo-server or sntp-server for one case, ready once it listens (docs/programs.md); stopped at teardown.

    Unlike :func:`start_server`, no first lines are awaited: these servers are found by their port.
    N/A where ``--target`` names the recipe.
    """
    started: list[Spawned] = []

    def spawn(recipe: str, *args: str) -> Spawned:
        _own_process(pytestconfig, recipe, args)
        started.append(programs.spawn(recipe, *args))
        return started[-1]

    try:
        yield spawn
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="module")
def iut_echo_server(
    pytestconfig: pytest.Config, programs: Programs, io_timeout: float
) -> Iterator[ServerUnderTest | TargetServer]:
    """The IUT's ``echo-server --port 0``, shared by a module; the server at its address with ``--target``."""
    target = run_state(pytestconfig).implementation.target("echo-server")
    server = TargetServer(target, io_timeout) if target else ServerUnderTest(programs, "echo-server", "--port", "0")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def iut_sntp_servers(
    pytestconfig: pytest.Config, programs: Programs, io_timeout: float
) -> Iterator[SntpServersUnderTest | TargetSntpServers]:
    """The IUT's ``sntp-server --port 0``, one per clock offset, shared by a module; with ``--target``, that one."""
    target = run_state(pytestconfig).implementation.target("sntp-server")
    servers = TargetSntpServers(target, io_timeout) if target else SntpServersUnderTest(programs)
    try:
        yield servers
    finally:
        servers.stop()


# -- clients under test -------------------------------------------------------------


@pytest.fixture(scope="session")
def client_runs(programs: Programs, kit_sntp: SntpServers, kit_echo: EchoServer) -> Iterator[ClientRuns]:
    """Every client scenario of the session, each run once; finished runs are waited for at the end."""
    runs = ClientRuns(programs, kit_sntp, kit_echo)
    try:
        yield runs
    finally:
        runs.close()


@pytest.fixture(scope="session", autouse=True)
def _clients_start_early(request: pytest.FixtureRequest, client_runs: ClientRuns) -> None:
    """The first program case starts every selected client scenario, so that they overlap the server specs."""
    client_runs.start(request.session.items)


@pytest.fixture
def sntp_clients(client_runs: ClientRuns) -> SntpClients:
    """The IUT's SNTP client recipes, each scenario run once."""
    return client_runs.sntp


@pytest.fixture
def echo_clients(client_runs: ClientRuns) -> EchoClients:
    """The IUT's echo-client, each scenario run once."""
    return client_runs.echo
