// Command qiwidash is a terminal dashboard for QIWI Wallet: wallet owners,
// payment agents, merchants and support staff, in one binary.
//
// main only wires: commands and flags -> config -> store -> clients -> ui.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	_ "time/tzdata" // time_zone names resolve on any system, Windows included

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"qiwidash/i18n"
)

const rootLong = `qiwidash: a terminal dashboard for QIWI Wallet, for wallet owners, payment
agents, merchants and support staff.

With no command it opens the dashboard: with --demo against the embedded
sandbox (no account, no network), else for a saved profile (--profile NAME,
else default_profile from the config, else the only one; Settings mode
manages them).

Environment:
  QIWI_NOTIFY_PASSWORD   the shop's notification password, to check bill callbacks
                         (--listen and 'listen --profile'; never logged)
  QIWI_TOKEN, QIWI_AGENT_ID, QIWI_AGENT_PASSWORD, QIWI_API_ID, QIWI_API_PASSWORD,
  QIWI_SHOP_ID           credentials for this run when no keyring is available`

const rootExample = `  qiwidash --demo
  qiwidash --profile work --privacy
  qiwidash login --profile work
  qiwidash export --from 2024-05-01 --to 2024-05-31 --format json > may.json
  source <(qiwidash completion bash)`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "qiwidash:", err)
		os.Exit(1)
	}
}

// run runs the command line args: a subcommand, else the dashboard.
// Help and --version print on stdout and return nil; a mistake returns an
// error for main to print on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	return newApp(os.Stdin, stdout, stderr).run(args)
}

// app is what the commands share: the terminal and the --debug log.
type app struct {
	stdin          *os.File
	stdout, stderr io.Writer
	debug          bool
	lang           string    // --lang, "" when not given
	log            *debugLog // nil without --debug
}

func newApp(stdin *os.File, stdout, stderr io.Writer) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr}
}

func (a *app) run(args []string) error {
	root := a.rootCmd()
	root.SetArgs(args)
	err := root.Execute()
	a.log.end(err)
	return err
}

// rootCmd is qiwidash itself: the dashboard, and the subcommands below it.
func (a *app) rootCmd() *cobra.Command {
	var f dashboardFlags
	root := &cobra.Command{
		Use:           "qiwidash",
		Short:         "A terminal dashboard for QIWI Wallet",
		Long:          rootLong,
		Example:       rootExample,
		Version:       version(debug.ReadBuildInfo()),
		SilenceUsage:  true, // a mistake is one line on stderr, not the whole help
		SilenceErrors: true, // main prints it
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.lang != "" {
				if _, err := i18n.Parse(a.lang); err != nil {
					return fmt.Errorf("--lang: %w", err)
				}
			}
			return a.startLog(cmd)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.set = map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { f.set[fl.Name] = true })
			f.log = a.log.logger()
			f.lang = a.lang
			return runDashboard(f)
		},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, cmd.CommandPath())
	})
	root.PersistentFlags().StringVar(&a.lang, "lang", "", "language `ru|en` (default: language from the config, else the locale: LC_ALL, LC_MESSAGES, LANG; else en)")
	root.PersistentFlags().BoolVar(&a.debug, "debug", false, "write a debug log (never a secret) to $XDG_STATE_HOME/qiwidash/debug.log")
	dashboardFlagSet(root.Flags(), &f)
	root.AddCommand(newSandboxCmd(), a.loginCmd(), a.logoutCmd(), a.exportCmd(), a.statementCmd(), newFindCmd(), a.listenCmd())
	return root
}

// startLog opens the --debug log before any command runs.
func (a *app) startLog(cmd *cobra.Command) error {
	if !a.debug {
		return nil
	}
	l, err := openDebugLog()
	if err != nil {
		return fmt.Errorf("--debug: %w", err)
	}
	a.log = l
	fmt.Fprintf(cmd.ErrOrStderr(), "qiwidash: debug log: %s\n", l.path)
	var set []string
	cmd.Flags().Visit(func(fl *pflag.Flag) { set = append(set, fl.Name) })
	l.slog.Info("start", "version", cmd.Root().Version, "command", cmd.CommandPath(), "flags", set, "pid", os.Getpid())
	return nil
}
