# Nmap's ncat for profiles/ncat.toml (--keep-open --exec /bin/cat).
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ncat >/dev/null
