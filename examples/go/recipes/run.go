// Package recipes holds the recipe programs docs/programs.md describes:
// same command lines, output lines and exit codes as the reference
// (sockspec_reference/_exitcodes.py).
package recipes

import (
	"fmt"
	"os"
)

// The exit codes docs/programs.md recommends.
const (
	exitOK         = 0
	exitFailure    = 1
	exitUsage      = 2
	exitAddress    = 3
	exitConnection = 4
	exitSend       = 5
	exitReceive    = 6
	exitTimeout    = 7
)

var recipes = map[string]func(args []string) int{
	"echo-server": echoServer,
	"echo-client": echoClient,
	"sntp-time":   sntpTime,
	"http-get":    httpGet,
}

// Run runs one recipe with its options and returns its exit status.
func Run(name string, args []string) int {
	recipe, ok := recipes[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "sockspec-go: unknown recipe %q (known: echo-server, echo-client, sntp-time, http-get)\n", name)
		return exitUsage
	}
	return recipe(args)
}

// say prints one line of the transcript; os.Stdout is unbuffered, so the
// line is out at once.
func say(format string, args ...any) {
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

// fail prints a one-line diagnostic and returns the exit code.
func fail(code int, format string, args ...any) int {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	return code
}
