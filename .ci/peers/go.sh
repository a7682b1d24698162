# Go (golang-go, Go 1.19 on Debian 12) for profiles/go.toml, then one build
# of examples/go, so that the first run of the profile finds it ready.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
echo '{"id":1,"op":"stop"}' | examples/go/sockspec-go harness >/dev/null
