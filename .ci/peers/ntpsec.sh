# ntpsec's ntpd, unpacked into /opt/sockspec-peers/ntpsec (profiles/ntpsec.toml
# requires it): the ntpsec package conflicts with chrony, which CI installs,
# and with openntpd, so it is not installed; its libraries are, if missing.
dest=/opt/sockspec-peers/ntpsec
[ -x "$dest/usr/sbin/ntpd" ] && exit 0
.ci/unpack-debs ntpsec
if ldd "$dest/usr/sbin/ntpd" | grep -q 'not found'; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libbsd0 libcap2 libssl3 >/dev/null
fi
"$dest/usr/sbin/ntpd" --version
