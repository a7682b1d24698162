package recipes

import (
	"errors"
	"io"
	"os"
)

// httpGet sends "GET F HTTP/1.0" and an empty line, and copies the response
// to stdout unchanged until the server closes.
func httpGet(args []string) int {
	opts := newOptions("http-get")
	p := peer{timeout: 5}
	opts.StringVar(&p.host, "host", "", "server host name or address")
	opts.Var(&p.port, "port", "server port")
	file := opts.String("file", "", "path to request, sent as is")
	opts.Var(&p.timeout, "timeout", "seconds each socket operation may take")
	opts.require("host", "port", "file")
	if !opts.parse(args) {
		return exitUsage
	}
	conn, err := p.dial("tcp")
	if err != nil {
		return p.failure(connecting, err)
	}
	defer conn.Close()
	if err := conn.SetWriteDeadline(p.deadline()); err != nil {
		return p.failure(sending, err)
	}
	if _, err := io.WriteString(conn, "GET "+*file+" HTTP/1.0\r\n\r\n"); err != nil {
		return p.failure(sending, err)
	}
	buf := make([]byte, 64*1024)
	for {
		if err := conn.SetReadDeadline(p.deadline()); err != nil {
			return p.failure(receiving, err)
		}
		n, err := conn.Read(buf)
		if n > 0 {
			if _, werr := os.Stdout.Write(buf[:n]); werr != nil {
				return fail(exitFailure, "Cannot write the response: %v", werr)
			}
		}
		if errors.Is(err, io.EOF) {
			return exitOK
		}
		if err != nil {
			return p.failure(receiving, err)
		}
	}
}
