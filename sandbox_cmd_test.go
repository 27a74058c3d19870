package main

import (
	"io"
	"testing"
)

func TestSandboxFlagsAreChecked(t *testing.T) {
	for _, args := range [][]string{{"--history-rows", "-1"}, {"--latency", "-1s"}, {"--latency", "2m"}, {"--history-rows", "many"}} {
		if err := runSandbox(args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
