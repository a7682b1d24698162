# Jython 2.7 (profiles/jython.toml): Debian's package and the Java libraries it
# needs (Netty, jnr), about 38 MB to download and 46 MB installed, plus
# OpenJDK 17's headless runtime where no Java is installed yet (44 MB, 190 MB).
# The recommended JDK is left out: Jython runs its harness without a compiler.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jython >/dev/null
jython -c 'import socket' >/dev/null
