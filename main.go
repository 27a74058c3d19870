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

func main() {
	a := newApp(os.Stdin, os.Stdout, os.Stderr)
	if err := a.run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "qiwidash:", a.explain(err))
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
	// tr is the language of the help and the messages, settled from the
	// arguments, the config and the locale before the commands are built
	// (settleLang), so --help is already in it.
	tr *i18n.Tr
}

func newApp(stdin *os.File, stdout, stderr io.Writer) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr}
}

func (a *app) run(args []string) error {
	a.tr = i18n.New(settleLang(args, os.Getenv))
	root := a.rootCmd()
	root.SetArgs(args)
	err := root.Execute()
	a.log.end(err)
	return err
}

// rootCmd is qiwidash itself: the dashboard, and the subcommands below it.
func (a *app) rootCmd() *cobra.Command {
	f := dashboardFlags{tr: a.tr}
	root := &cobra.Command{
		Use:           "qiwidash",
		Short:         a.tr.T("cli.root.short", nil),
		Long:          a.tr.T("cli.root.long", nil),
		Example:       a.tr.T("cli.root.example", nil),
		Version:       version(debug.ReadBuildInfo()),
		SilenceUsage:  true, // a mistake is one line on stderr, not the whole help
		SilenceErrors: true, // main prints it
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.lang != "" {
				if _, err := i18n.Parse(a.lang); err != nil {
					return i18n.Errorf("cli.lang_flag", nil, err)
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
		return i18n.Errorf("cli.see_help", i18n.Args{"Path": cmd.CommandPath()}, flagError(err))
	})
	root.PersistentFlags().StringVar(&a.lang, "lang", "", a.tr.T("cli.flag.lang", nil))
	root.PersistentFlags().BoolVar(&a.debug, "debug", false, a.tr.T("cli.flag.debug", nil))
	dashboardFlagSet(root.Flags(), &f)
	root.AddCommand(newSandboxCmd(a.tr), a.loginCmd(), a.logoutCmd(), a.exportCmd(), a.statementCmd(), newFindCmd(a.tr), a.listenCmd())
	if a.tr.Lang() == i18n.RU {
		speakRussian(root, a.tr)
	}
	return root
}

// startLog opens the --debug log before any command runs.
func (a *app) startLog(cmd *cobra.Command) error {
	if !a.debug {
		return nil
	}
	l, err := openDebugLog()
	if err != nil {
		return i18n.Errorf("cli.debug_failed", nil, err)
	}
	a.log = l
	fmt.Fprintln(cmd.ErrOrStderr(), a.tr.T("cli.debug_log", i18n.Args{"Path": l.path}))
	var set []string
	cmd.Flags().Visit(func(fl *pflag.Flag) { set = append(set, fl.Name) })
	l.slog.Info("start", "version", cmd.Root().Version, "command", cmd.CommandPath(), "flags", set, "pid", os.Getpid())
	return nil
}
