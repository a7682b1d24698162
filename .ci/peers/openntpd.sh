# OpenNTPD, unpacked into /opt/sockspec-peers/openntpd (profiles/openntpd.toml
# requires it): the openntpd package conflicts with chrony, which CI installs.
# Its ntpd drops privileges to the user ntpd into /var/lib/openntpd, which the
# package's maintainer scripts would make: made here.
dest=/opt/sockspec-peers/openntpd
getent passwd ntpd >/dev/null ||
    useradd --system --home-dir /var/lib/openntpd --no-create-home --shell /usr/sbin/nologin ntpd
mkdir -p /var/lib/openntpd/run /var/lib/openntpd/db
[ -x "$dest/usr/sbin/ntpd" ] && exit 0
.ci/unpack-debs openntpd
