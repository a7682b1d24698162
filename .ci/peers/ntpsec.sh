# ntpsec's ntpd, unpacked into /opt/sockspec-peers/ntpsec (profiles/ntpsec.toml
# requires it): the ntpsec package conflicts with chrony, which CI installs,
# and with openntpd, so it is not installed; its libraries are, if missing.
dest=/opt/sockspec-peers/ntpsec
[ -x "$dest/usr/sbin/ntpd" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq ntpsec)
mkdir -p "$dest"
dpkg-deb -x "$work"/ntpsec_*.deb "$dest"
if ldd "$dest/usr/sbin/ntpd" | grep -q 'not found'; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libbsd0 libcap2 libssl3 >/dev/null
fi
"$dest/usr/sbin/ntpd" --version
