package recipes

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
)

// options wraps a flag.FlagSet that reports a bad command line as a usage
// error (exit 2) with the usage on stderr, as docs/programs.md asks.
type options struct {
	*flag.FlagSet
	required []string
}

func newOptions(recipe string) *options {
	set := flag.NewFlagSet(recipe, flag.ContinueOnError)
	set.SetOutput(io.Discard)
	return &options{FlagSet: set}
}

// parse reads args; false means it printed a usage error.
func (o *options) parse(args []string) bool {
	err := o.Parse(args)
	if err == nil && o.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", o.Arg(0))
	}
	if err == nil {
		seen := map[string]bool{}
		o.Visit(func(f *flag.Flag) { seen[f.Name] = true })
		for _, name := range o.required {
			if !seen[name] {
				err = fmt.Errorf("the option --%s is required", name)
				break
			}
		}
	}
	if err == nil {
		return true
	}
	if errors.Is(err, flag.ErrHelp) {
		err = errors.New("options:")
	}
	fmt.Fprintf(os.Stderr, "usage: sockspec-go %s [options]\n%s: error: %v\n", o.Name(), o.Name(), err)
	o.SetOutput(os.Stderr)
	o.PrintDefaults()
	return false
}

func (o *options) require(names ...string) { o.required = append(o.required, names...) }

// port is a flag.Value for a port number, 0 to 65535.
type port int

func (p *port) String() string { return strconv.Itoa(int(*p)) }

func (p *port) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port must be an integer in 0..65535, got %q", s)
	}
	*p = port(n)
	return nil
}

// seconds is a flag.Value for a timeout: a finite number above zero.
type seconds float64

func (s *seconds) String() string { return strconv.FormatFloat(float64(*s), 'g', -1, 64) }

func (s *seconds) Set(text string) error {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f <= 0 {
		return fmt.Errorf("seconds must be a number > 0, got %q", text)
	}
	*s = seconds(f)
	return nil
}
