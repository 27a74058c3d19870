// Command qiwidash is a terminal dashboard for QIWI Wallet: wallet owners,
// payment agents, merchants and support staff, in one binary.
//
// main only wires: flags and subcommands -> config -> store -> clients -> ui.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `qiwidash: a terminal dashboard for QIWI Wallet

Usage:
  qiwidash --demo [flags]          the whole dashboard against the embedded sandbox
  qiwidash [--profile NAME] [flags]
                                   the dashboard for a saved profile (Settings mode: accounts)
  qiwidash sandbox [--addr A]      serve the QIWI sandbox (curl-able) until interrupted
  qiwidash login [--profile NAME]  save credentials to the OS keyring (checked first)
  qiwidash logout [--profile NAME] remove a profile's secrets from the keyring
  qiwidash export --from --to --format csv|json   cached history for scripts
  qiwidash find QUERY [--json]     find a payment in every profile's cache (support console)
  qiwidash listen [--addr A] [--profile NAME]
                                   receive QIWI webhooks and bill callbacks, print each;
                                   with --profile, also save them in the profile's store

Run 'qiwidash <command> --help' for the flags of a command.
`

// envHelp ends the dashboard's help: the variables it reads.
const envHelp = `
Environment:
  QIWI_NOTIFY_PASSWORD   the shop's notification password, to check bill callbacks
                         (--listen and 'listen --profile'; never logged)
  QIWI_TOKEN, QIWI_AGENT_ID, QIWI_AGENT_PASSWORD, QIWI_API_ID, QIWI_API_PASSWORD,
  QIWI_SHOP_ID           credentials for this run when no keyring is available
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "qiwidash:", err)
		}
		os.Exit(1)
	}
}

// run dispatches a subcommand; with none, it opens the dashboard.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return runSandbox(args[1:], stdout, stderr)
		case "login":
			return runLogin(args[1:])
		case "logout":
			return runLogout(args[1:])
		case "export":
			return runExport(args[1:])
		case "listen":
			return runListen(args[1:], stdout, stderr)
		case "find":
			c := newFindCmd()
			c.SetArgs(args[1:])
			c.SetOut(stdout)
			c.SetErr(stderr)
			return c.Execute()
		case "help", "-h", "--help":
			fmt.Fprint(stdout, helpText())
			return nil
		}
	}
	return runDashboard(args, stdout, stderr)
}
