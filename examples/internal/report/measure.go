package report

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Machine describes the computer the program runs on: the CPU model (from
// /proc/cpuinfo when there is one), the number of logical CPUs, GOMAXPROCS,
// the OS, architecture and Go version. For example
// "2 CPUs (GOMAXPROCS 2), Intel(R) Xeon(R) ..., linux/amd64, go1.26.0".
func Machine() string {
	s := fmt.Sprintf("%d CPUs (GOMAXPROCS %d)", runtime.NumCPU(), runtime.GOMAXPROCS(0))
	if m := cpuModel(); m != "" {
		s += ", " + m
	}
	return fmt.Sprintf("%s, %s/%s, %s", s, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

// Command returns the program's command line as one string, arguments
// quoted when they hold spaces.
func Command() string {
	args := make([]string, len(os.Args))
	for i, a := range os.Args {
		if strings.ContainsAny(a, " \t\"'") {
			a = fmt.Sprintf("%q", a)
		}
		args[i] = a
	}
	return strings.Join(args, " ")
}
