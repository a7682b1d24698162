# BusyBox with ntpd (an SNTP server with -l) and nc (-ll -e), which Debian's
# busybox packages leave out: built from Debian's busybox source into
# /opt/sockspec-peers/busybox/busybox (profiles/busybox-ntpd.toml requires it),
# without /etc/ntp.conf support, so that a peerless ntpd never takes servers
# from the host's files.  The source comes through a private apt source list,
# so the system's apt configuration is left as it was.
dest=/opt/sockspec-peers/busybox
[ -x "$dest/busybox" ] && exit 0
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc make dpkg-dev bzip2 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
echo "deb-src http://deb.debian.org/debian bookworm main" >"$work/sources.list"
apt_src=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
         -o "Dir::State::Lists=$work/lists")
apt-get "${apt_src[@]}" update -qq
(cd "$work" && apt-get "${apt_src[@]}" source -qq busybox >/dev/null)
src=$(find "$work" -maxdepth 1 -type d -name 'busybox-*' | head -n 1)
cd "$src"
make -s allnoconfig >/dev/null
for option in NTPD FEATURE_NTPD_SERVER NC NC_SERVER NC_EXTRA LONG_OPTS FEATURE_IPV6 \
              BUSYBOX SHOW_USAGE FEATURE_VERBOSE_USAGE; do
    sed -i "s/^# CONFIG_$option is not set\$/CONFIG_$option=y/" .config
done
{ yes '' || true; } | make -s oldconfig >/dev/null
make -s -j"$(nproc)" busybox >/dev/null
mkdir -p "$dest"
install -m 755 busybox "$dest/busybox"
"$dest/busybox" --list | tr "\n" " "
