package harness

import "math/big"

// call holds the arguments of one request, bound by position or by name as
// Python binds them.
type call struct {
	fn     string
	args   []any
	kwargs map[string]any
}

// arg is the argument at position i or named name; fallback when absent.
func (c *call) arg(i int, name string, fallback any) any {
	if i < len(c.args) {
		return c.args[i]
	}
	if v, ok := c.kwargs[name]; ok {
		return v
	}
	return fallback
}

// required is arg without a default: its absence is a TypeError.
func (c *call) required(i int, name string) (any, error) {
	if i >= len(c.args) {
		if _, ok := c.kwargs[name]; !ok {
			return nil, typeError("%s() missing required argument '%s' (pos %d)", c.fn, name, i+1)
		}
	}
	return c.arg(i, name, nil), nil
}

// atMost refuses more arguments than the function takes.
func (c *call) atMost(n int) error {
	if len(c.args)+len(c.kwargs) > n {
		return typeError("%s() takes at most %d arguments (%d given)", c.fn, n, len(c.args)+len(c.kwargs))
	}
	return nil
}

// integer is v as an integer; Go's static types refuse any other kind of
// value, which Python reports as a TypeError.
func integer(v any) (*big.Int, error) {
	if n, ok := v.(*big.Int); ok {
		return n, nil
	}
	return nil, typeError("'%s' object cannot be interpreted as an integer", typeName(v))
}

// unsigned is v as an integer that fits an unsigned Go type of the given bits.
func unsigned(v any, bits uint) (uint64, error) {
	n, err := integer(v)
	if err != nil {
		return 0, err
	}
	if n.Sign() < 0 {
		return 0, newError("OverflowError", "can't convert negative value to unsigned int")
	}
	if n.BitLen() > int(bits) {
		return 0, newError("OverflowError", "value too large for a %d-bit unsigned integer", bits)
	}
	return n.Uint64(), nil
}

// text is v as a string, the only type Go's string parameters take.
func text(v any, fn string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", typeError("%s() argument must be str, not %s", fn, typeName(v))
	}
	return s, nil
}

// seconds is a number of seconds as a float, or an error for any other type.
func seconds(v any) (float64, error) {
	switch v := v.(type) {
	case pyFloat:
		return float64(v), nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(v).Float64()
		return f, nil
	}
	return 0, typeError("'%s' object cannot be interpreted as an integer", typeName(v))
}

// typeName is the Python name of a value's type, for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case string:
		return "str"
	case *big.Int:
		return "int"
	case pyFloat:
		return "float"
	case []byte:
		return "bytes"
	case tuple:
		return "tuple"
	case []any:
		return "list"
	case *pySocket:
		return "socket"
	}
	return "object"
}
