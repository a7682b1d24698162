# GNU Wget, the HTTP client of profiles/wget.toml.
command -v wget >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wget >/dev/null
