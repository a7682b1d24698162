"""Local servers the kit runs for the program specs: each binds 127.0.0.1 port 0 and records the wire.

Kit servers, the oracles the client specs judge with, all the kit's own and
none a program of the reference: ``sntp`` (the SNTP server a client under
test meets, on ``sockspec.sntp_wire``), ``echo`` and ``http``, the last two
built on ``threaded``.  Relays between a client
under test and a kit server: ``tcp_proxy`` (with a ``delivery`` policy) and
``udp_relay``, built on ``relay`` (the lifecycle they share) and
``wire_record`` (what they saw, as a report transcript).  ``wakeup`` is how
every one of them stops threads that wait.
"""
