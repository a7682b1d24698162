"""Local servers that the kit runs for program specs: each binds 127.0.0.1 port 0, records the wire, and misbehaves on demand."""
