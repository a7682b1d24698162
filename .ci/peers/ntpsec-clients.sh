# NTPsec's SNTP client ntpdig and its ntpdate shim (profiles/ntpdig.toml,
# profiles/ntpdate.toml); sntp comes along as a link to ntpdig. None of them
# conflicts with chrony, which CI installs as a server.
command -v ntpdig >/dev/null && [ -x /usr/sbin/ntpdate ] ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ntpsec-ntpdig ntpsec-ntpdate >/dev/null
