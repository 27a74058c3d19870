package settings

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/ui/common"
)

// langKey switches the dashboard's language for this run (the shell
// rebuilds the screens in it). It is the Settings screen's own key, not
// one of the app's rebindable actions.
const langKey = "L"

// languageNames are the languages as each calls itself, so a reader
// finds their own in either.
var languageNames = map[i18n.Lang]string{i18n.EN: "English", i18n.RU: "Русский"}

// otherLanguage is the language L switches to from l.
func otherLanguage(l i18n.Lang) i18n.Lang {
	if l == i18n.RU {
		return i18n.EN
	}
	return i18n.RU
}

// languageKey is the help bar's entry for the switch.
func (m *Model) languageKey() key.Binding {
	return key.NewBinding(key.WithKeys(langKey), key.WithHelp(langKey, m.c.Tr.T("settings.key_language", nil)))
}

// switchLanguage asks the shell to speak the other language.
func (m *Model) switchLanguage() tea.Cmd {
	return common.SetLanguage(otherLanguage(m.c.Tr.Lang()))
}

// languageWords is the language in use and where it came from.
func (m *Model) languageWords() string {
	tr, cfg := m.c.Tr, m.deps.Config
	lang := tr.Lang()
	args := i18n.Args{"Lang": languageNames[lang]}
	switch {
	case cfg.Language == "":
		return languageNames[lang] // not told how it was chosen
	case cfg.Language != lang:
		return tr.T("settings.language_switched", args)
	case cfg.LanguageFrom == i18n.SourceFlag:
		return tr.T("settings.language_from_flag", args)
	case cfg.LanguageFrom == i18n.SourceConfig:
		return tr.T("settings.language_from_config", args)
	case cfg.LanguageFrom == i18n.SourceLocale:
		return tr.T("settings.language_from_locale", args)
	}
	return tr.T("settings.language_default", args)
}
