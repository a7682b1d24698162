package recipes

import (
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

// echoServer echoes every byte of every connection back to it, one
// goroutine per connection, until the client closes; then it closes too.
// A client that reads late only blocks its own goroutine's write: Go's
// Write returns once all of a read has gone out, so nothing is lost.
func echoServer(args []string) int {
	opts := newOptions("echo-server")
	host := opts.String("host", "127.0.0.1", "address to bind")
	var p port
	opts.Var(&p, "port", "port to bind (0: any free)")
	if !opts.parse(args) {
		return exitUsage
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(int(p))))
	if err != nil {
		return fail(exitFailure, "Cannot listen on %s port %d: %v", *host, p, err)
	}
	say("Echo server listening on %s", ln.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-stop
		os.Exit(exitOK)
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			// Out of file descriptors, say: that client is lost, the server goes on.
			continue
		}
		go echo(conn)
	}
}

// echo copies what conn sends back to it; a reset ends only this connection.
func echo(conn net.Conn) {
	defer conn.Close()
	io.Copy(conn, conn)
}
