# GNU inetutils' inetd for profiles/inetutils-inetd.toml, unpacked rather than
# installed: it conflicts with xinetd (.ci/peers/xinetd.sh), and its internal
# echo service needs nothing but libc. The adapter runs it under `unshare -m`.
dest=/opt/sockspec-peers/inetutils-inetd
work=$(mktemp -d)
chown _apt "$work" 2>/dev/null || true  # apt downloads as its _apt user
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq inetutils-inetd)
rm -rf "$dest"
dpkg-deb -x "$work"/inetutils-inetd_*.deb "$dest"
"$dest/usr/sbin/inetutils-inetd" --version >/dev/null
