package main

import (
	"context"
	"errors"
	"os"
	"reflect"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the launcher, as the harness binary
// does with its "launch" subcommand.
func TestMain(m *testing.M) {
	if os.Getenv("BENCH_TEST_LAUNCHER") == "1" && len(os.Args) > 1 && os.Args[1] == "launch" {
		if err := launchMain(context.Background(), os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestFromRusage(t *testing.T) {
	ru := &syscall.Rusage{
		Maxrss: 1500, // KB on Linux
		Utime:  syscall.Timeval{Sec: 2, Usec: 500000},
		Stime:  syscall.Timeval{Sec: 0, Usec: 250000},
	}
	got := fromRusage(ru, 3*time.Second)
	want := Measurement{Wall: 3 * time.Second, PeakRSS: 1500 * 1024, User: 2500 * time.Millisecond, Sys: 250 * time.Millisecond}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fromRusage = %+v, want %+v", got, want)
	}
}

func TestRunChild(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		ok       []int
		wantOut  string
		wantCode int // 0: no error expected
	}{
		{"success", "echo hello", nil, "hello\n", 0},
		{"exit 1 accepted", "echo report; exit 1", []int{0, 1}, "report\n", 0},
		{"exit 3 refused", "echo oops >&2; exit 3", []int{0, 1}, "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, m, err := runChild(t.Context(), t.TempDir(), "sh", []string{"-c", tt.script}, tt.ok...)
			if tt.wantCode != 0 {
				var ee *ExitError
				if !errors.As(err, &ee) || ee.Code != tt.wantCode || ee.Stderr != "oops\n" {
					t.Fatalf("err = %v, want an *ExitError with code %d and the child's stderr", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out, tt.wantOut)
			}
			if m.Wall <= 0 || m.PeakRSS <= 0 {
				t.Errorf("measurement = %+v, want positive wall time and peak RSS", m)
			}
		})
	}
}

// TestLauncherRSSFloor shows why the launcher exists: a child started by a
// process with a large resident set reports at least that set as its own
// peak RSS, while a child of the launcher does not.
func TestLauncherRSSFloor(t *testing.T) {
	const big = 300 << 20
	ballast := make([]byte, big)
	for i := range ballast {
		ballast[i] = 1 // touch every page
	}
	_, direct, err := runChild(t.Context(), t.TempDir(), "true", nil)
	if err != nil {
		t.Fatal(err)
	}
	if direct.PeakRSS < big {
		t.Logf("direct child peak RSS %d B: this kernel does not fold the parent's RSS in", direct.PeakRSS)
	}

	t.Setenv("BENCH_TEST_LAUNCHER", "1")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	l, err := StartLauncher(self)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, viaLauncher, err := l.Run(t.Context(), 0, t.TempDir(), "true", nil)
	if err != nil {
		t.Fatal(err)
	}
	if viaLauncher.PeakRSS >= big/2 {
		t.Errorf("child of the launcher: peak RSS %d MB, want well below the harness's %d MB", viaLauncher.PeakRSS>>20, big>>20)
	}
	// The launcher passes exit errors back.
	_, _, err = l.Run(t.Context(), 0, t.TempDir(), "sh", []string{"-c", "exit 4"})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 4 {
		t.Errorf("err = %v, want an *ExitError with code 4", err)
	}
	// And kills a child after its timeout.
	_, _, err = l.Run(t.Context(), 50*time.Millisecond, t.TempDir(), "sleep", []string{"10"})
	if err == nil {
		t.Error("a child past its timeout: no error")
	}
	ballast[0] = 2 // keep the ballast alive until here
}
