package payments

import "qiwidash/ui/formkit"

// form is the open payment form: the kit's form plus the kind it pays.
type form struct {
	*formkit.Form
	kind  kindID
	title string
}

type option = formkit.Option
