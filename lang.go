package main

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"qiwidash/i18n"
	"qiwidash/store"
)

// The language of the command line: settled before the commands are built,
// so their help is in it, and the words cobra and pflag add of their own
// (the usage template, the help and version flags, the help and completion
// commands, flag mistakes) put in Russian when it is Russian. English is
// cobra's as it is.

func init() {
	// The Russian usage template replaces cobra's words in what cobra
	// builds: the use line's "[flags]", the flags' "(default ...)".
	cobra.AddTemplateFunc("replaceAll", strings.ReplaceAll)
	cobra.AddTemplateFunc("flagUsages", flagUsages)
}

// flagLine is one line of pflag's flag list: the flag (its shorthand,
// name and value's name), then three spaces or more, then its help.
var flagLine = regexp.MustCompile(`^(\s*(?:-\S, )?--\S+(?: \S+)?) {3,}(.*)$`)

// flagUsages is pflag's list of fs with "default" said as def, its help
// column aligned by letters (pflag aligns by bytes: a Cyrillic value name
// would push its line's help out of the column).
func flagUsages(fs *pflag.FlagSet, def string) string {
	lines := strings.Split(strings.ReplaceAll(fs.FlagUsages(), " (default ", " ("+def+" "), "\n")
	width := 0
	for _, l := range lines {
		if m := flagLine.FindStringSubmatch(l); m != nil {
			width = max(width, utf8.RuneCountInString(m[1]))
		}
	}
	for i, l := range lines {
		if m := flagLine.FindStringSubmatch(l); m != nil {
			lines[i] = m[1] + strings.Repeat(" ", width-utf8.RuneCountInString(m[1])+3) + m[2]
		}
	}
	return strings.Join(lines, "\n")
}

// settleLang is the language of the help and the messages: --lang in
// args (--lang ru or --lang=ru), else language in the config (--config's,
// else the default file; a config with other mistakes still gives it),
// else the locale (i18n.Choose). A wrong --lang is passed over here (the
// command refuses it, in the language of the config or the locale).
func settleLang(args []string, getenv func(string) string) i18n.Lang {
	if l, err := i18n.Parse(argValue(args, "lang")); err == nil {
		return l
	}
	cfg, _ := store.LoadConfig(argValue(args, "config"), nil) // its mistakes are the command's to report
	l, _, err := i18n.Choose("", string(cfg.Language), getenv)
	if err != nil {
		return i18n.EN
	}
	return l
}

// argValue is the value of the long flag name in args (--name v or
// --name=v; the last one wins, as pflag reads it), "" when not given.
// Arguments after "--" are not flags.
func argValue(args []string, name string) string {
	v := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return v
		case a == "--"+name && i+1 < len(args):
			i++
			v = args[i]
		case strings.HasPrefix(a, "--"+name+"="):
			v = strings.TrimPrefix(a, "--"+name+"=")
		}
	}
	return v
}

// explain is err as main prints it, in the app's language.
func (a *app) explain(err error) string { return store.ErrorText(a.tr, err) }

// speakRussian puts the words cobra adds of its own in tr's language: the
// usage template, the help and version flags, the help and completion
// commands. root's commands are all added.
func speakRussian(root *cobra.Command, tr *i18n.Tr) {
	root.SetUsageTemplate(usageTemplate(root.UsageTemplate(), tr))
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	name := root.Name()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Use = tr.T("cli.help.use", nil)
			c.Short = tr.T("cli.help.short", nil)
			c.Long = tr.T("cli.help.long", i18n.Args{"Name": name})
			help := c.Run
			c.Run = func(hc *cobra.Command, args []string) {
				// root takes no arguments but says so itself (unknownCommand): a
				// topic Find leaves to root is no command
				if cmd, _, err := hc.Root().Find(args); err == nil && cmd == hc.Root() && len(args) > 0 {
					hc.Println(tr.T("cli.help.unknown_topic", i18n.Args{"Topic": strings.Join(args, " ")}))
					_ = hc.Root().Usage()
					return
				}
				help(hc, args)
			}
		case "completion":
			c.Short = tr.T("cli.completion.short", nil)
			c.Long = tr.T("cli.completion.long", i18n.Args{"Name": name})
			for _, sh := range c.Commands() {
				sh.Short = tr.T("cli.completion.shell", i18n.Args{"Shell": sh.Name()})
				sh.Long = completionLong(tr, sh.Name(), name)
				if fl := sh.Flags().Lookup("no-descriptions"); fl != nil {
					fl.Usage = tr.T("cli.completion.no_descriptions", nil)
				}
			}
		}
	}
	var helpFlags func(c *cobra.Command)
	helpFlags = func(c *cobra.Command) {
		c.LocalFlags() // merges the persistent flags first: help comes after them, as cobra puts it
		c.Flags().BoolP("help", "h", false, tr.T("cli.flag.help", i18n.Args{"Name": c.Name()}))
		_ = c.Flags().SetAnnotation("help", cobra.FlagSetByCobraAnnotation, []string{"true"})
		for _, sub := range c.Commands() {
			helpFlags(sub)
		}
	}
	helpFlags(root)
	root.Args = unknownCommand // instead of cobra's English check of root's arguments
	if root.SuggestionsMinimumDistance <= 0 {
		root.SuggestionsMinimumDistance = 2 // cobra's own distance, set where it checks
	}
	root.Flags().BoolP("version", "v", false, tr.T("cli.flag.version", i18n.Args{"Name": name}))
	_ = root.Flags().SetAnnotation("version", cobra.FlagSetByCobraAnnotation, []string{"true"})
}

// completionLong is the help of `completion shell`, for the binary name.
func completionLong(tr *i18n.Tr, shell, name string) string {
	args := i18n.Args{"Name": name}
	switch shell {
	case "bash":
		return tr.T("cli.completion.bash", args)
	case "zsh":
		return tr.T("cli.completion.zsh", args)
	case "fish":
		return tr.T("cli.completion.fish", args)
	case "powershell":
		return tr.T("cli.completion.powershell", args)
	}
	return tr.T("cli.completion.shell", i18n.Args{"Shell": shell})
}

// usageTemplate is cobra's usage template def with its words in tr's
// language.
func usageTemplate(def string, tr *i18n.Tr) string {
	flags := func(set string) string {
		return "{{flagUsages ." + set + " " + strconv.Quote(tr.T("cli.usage.default", nil))
	}
	return strings.NewReplacer(
		`Use "{{.CommandPath}} [command] --help" for more information about a command.`,
		tr.T("cli.usage.more", i18n.Args{"Path": "{{.CommandPath}}"}),
		"{{.UseLine}}", "{{replaceAll .UseLine "+strconv.Quote("[flags]")+" "+strconv.Quote(tr.T("cli.usage.flags_arg", nil))+"}}",
		"[command]", tr.T("cli.usage.command_arg", nil),
		"Usage:", tr.T("cli.usage.usage", nil),
		"Aliases:", tr.T("cli.usage.aliases", nil),
		"Examples:", tr.T("cli.usage.examples", nil),
		"Available Commands:", tr.T("cli.usage.commands", nil),
		"Additional Commands:", tr.T("cli.usage.more_commands", nil),
		"Global Flags:", tr.T("cli.usage.global_flags", nil),
		"Flags:", tr.T("cli.usage.flags", nil),
		"Additional help topics:", tr.T("cli.usage.topics", nil),
		"{{.LocalFlags.FlagUsages", flags("LocalFlags"),
		"{{.InheritedFlags.FlagUsages", flags("InheritedFlags"),
	).Replace(def)
}

// flagError is a mistake pflag found in the flags, as a catalogue message
// whose English is pflag's own text.
func flagError(err error) error {
	var (
		unknown  *pflag.NotExistError
		needsArg *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &unknown) && unknown.GetSpecifiedShortnames() != "":
		return i18n.Errorf("cli.flag_error.unknown_short", i18n.Args{"Short": strconv.QuoteRune(rune(unknown.GetSpecifiedName()[0])), "Given": unknown.GetSpecifiedShortnames()}, nil)
	case errors.As(err, &unknown) && err.Error() == "unknown flag: --"+unknown.GetSpecifiedName():
		return i18n.Errorf("cli.flag_error.unknown", i18n.Args{"Name": unknown.GetSpecifiedName()}, nil)
	case errors.As(err, &needsArg) && needsArg.GetSpecifiedShortnames() != "":
		return i18n.Errorf("cli.flag_error.needs_value_short", i18n.Args{"Short": strconv.QuoteRune(rune(needsArg.GetSpecifiedName()[0])), "Given": needsArg.GetSpecifiedShortnames()}, nil)
	case errors.As(err, &needsArg):
		return i18n.Errorf("cli.flag_error.needs_value", i18n.Args{"Name": needsArg.GetSpecifiedName()}, nil)
	case errors.As(err, &invalid):
		fl := invalid.GetFlag()
		name := "--" + fl.Name
		if fl.Shorthand != "" && fl.ShorthandDeprecated == "" {
			name = "-" + fl.Shorthand + ", --" + fl.Name
		}
		return i18n.Errorf("cli.flag_error.invalid", i18n.Args{"Value": strconv.Quote(invalid.GetValue()), "Flag": strconv.Quote(name)}, errors.Unwrap(invalid))
	case errors.As(err, &syntax):
		return i18n.Errorf("cli.flag_error.syntax", i18n.Args{"Flag": syntax.GetSpecifiedFlag()}, nil)
	}
	return err
}

// noArgs is cobra.NoArgs, its refusal in the catalogue.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return i18n.Errorf("cli.args.unknown_command", i18n.Args{"Name": strconv.Quote(args[0]), "Path": strconv.Quote(cmd.CommandPath())}, nil)
	}
	return nil
}

// someArgs is cobra.MinimumNArgs(1), its refusal in the catalogue.
func someArgs(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return i18n.Errorf("cli.args.none", nil, nil)
	}
	return nil
}

// unknownCommand refuses an argument of the root command, which takes
// none: a command name mistyped, with the names it is close to (as cobra
// says it in English).
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var close strings.Builder
	for _, s := range cmd.SuggestionsFor(args[0]) {
		close.WriteString("\n\t" + s)
	}
	if close.Len() == 0 {
		return noArgs(cmd, args)
	}
	return i18n.Errorf("cli.args.unknown_command_close", i18n.Args{"Name": strconv.Quote(args[0]), "Path": strconv.Quote(cmd.CommandPath()), "Close": close.String()}, nil)
}
