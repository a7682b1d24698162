# xinetd for profiles/xinetd.toml (its built-in echo service). It conflicts
# with the other inetd packages, which .ci/peers/inetd.sh unpacks
# instead of installing. The adapter runs its own xinetd with a private
# configuration; the system's, if the package started one, is stopped.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xinetd >/dev/null
if [ -s /run/xinetd.pid ]; then
    invoke-rc.d xinetd stop || true
fi
