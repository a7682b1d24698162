"""Local servers the kit runs for the program specs: each binds 127.0.0.1 port 0 and records the wire."""
