# GNU inetutils' inetd and OpenBSD's inetd for profiles/inetutils-inetd.toml and
# profiles/openbsd-inetd.toml, unpacked under /opt/sockspec-peers rather than
# installed: they conflict with each other and with xinetd
# (.ci/peers/xinetd.sh), and their internal echo service needs nothing but
# libc. The adapter runs them under `unshare -m`.
.ci/unpack-debs inetutils-inetd openbsd-inetd
/opt/sockspec-peers/inetutils-inetd/usr/sbin/inetutils-inetd --version >/dev/null
test -x /opt/sockspec-peers/openbsd-inetd/usr/sbin/inetd
