# Debian's BusyBox for profiles/busybox-nc.toml: its nc applet has -ll (keep
# listening) and -e (run a program per connection).
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox >/dev/null
{ busybox nc --help 2>&1 || true; } | grep -q -- '-e PROG'
