package main

import (
	"io"
	"testing"
)

func TestSandboxFlagsAreChecked(t *testing.T) {
	for _, args := range [][]string{{"--history-rows", "-1"}, {"--latency", "-1s"}, {"--latency", "2m"}, {"--history-rows", "many"}} {
		c := newSandboxCmd(nil)
		c.SetArgs(args)
		c.SetOut(io.Discard)
		c.SetErr(io.Discard)
		if err := c.Execute(); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
