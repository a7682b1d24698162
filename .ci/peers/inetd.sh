# GNU inetutils' inetd and OpenBSD's inetd for profiles/inetutils-inetd.toml and
# profiles/openbsd-inetd.toml, unpacked under /opt/sockspec-peers rather than
# installed: they conflict with each other and with xinetd
# (.ci/peers/xinetd.sh), and their internal echo service needs nothing but
# libc. The adapter runs them under `unshare -m`.
work=$(mktemp -d)
chown _apt "$work" 2>/dev/null || true  # apt downloads as its _apt user
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq inetutils-inetd openbsd-inetd)
for package in inetutils-inetd openbsd-inetd; do
    rm -rf "/opt/sockspec-peers/$package"
    dpkg-deb -x "$work/${package}"_*.deb "/opt/sockspec-peers/$package"
done
/opt/sockspec-peers/inetutils-inetd/usr/sbin/inetutils-inetd --version >/dev/null
test -x /opt/sockspec-peers/openbsd-inetd/usr/sbin/inetd
