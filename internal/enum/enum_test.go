package enum

import "testing"

type small uint8

func TestName(t *testing.T) {
	names := []string{1: "one", 2: "two"}
	for _, c := range []struct {
		got, want string
	}{
		{Name(names, 1, "Int"), "one"},
		{Name(names, 2, "Int"), "two"},
		{Name(names, 0, "Int"), "Int(0)"},
		{Name(names, 3, "Int"), "Int(3)"},
		{Name(names, -1, "Int"), "Int(-1)"},
		{Name(names, small(2), "Small"), "two"},
		{Name(names, small(200), "Small"), "Small(200)"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}
