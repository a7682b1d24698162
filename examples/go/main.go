// Command sockspec-go is a small Go implementation for sockspec: run as
// "sockspec-go harness" it serves Go's net package over the harness protocol
// (docs/harness-protocol.md); run as "sockspec-go RECIPE [options]" it is one
// of the recipe programs docs/programs.md describes.
package main

import (
	"fmt"
	"os"

	"sockspec.example/go/harness"
	"sockspec.example/go/recipes"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sockspec-go harness | sockspec-go RECIPE [options]")
		os.Exit(2)
	}
	if os.Args[1] == "harness" {
		os.Exit(harness.Serve(os.Stdin, os.Stdout))
	}
	os.Exit(recipes.Run(os.Args[1], os.Args[2:]))
}
