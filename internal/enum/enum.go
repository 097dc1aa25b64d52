// Package enum names the values of the module's small enumerations (a
// decoder kind, a loss, an activation, a model kind) from a table, so that
// each String method is the table and one call.
package enum

import "fmt"

// Name returns names[v], or typ(v) ("Loss(7)") for a value outside the
// table or without a name in it.
func Name[T ~int | ~uint8](names []string, v T, typ string) string {
	if v >= 0 && uint64(v) < uint64(len(names)) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}
