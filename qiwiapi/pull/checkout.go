package pull

import (
	"net/url"
	"strings"
)

// DefaultCheckoutURL is the payer's checkout page (since 2019-01).
const DefaultCheckoutURL = "https://oplata.qiwi.com/form"

// CheckoutOptions are the optional checkout parameters.
type CheckoutOptions struct {
	// Embedded asks for the compact page meant for embedding.
	Embedded bool
	// SuccessURL and FailURL are back-redirects on the merchant's site; QIWI
	// appends order=<bill_id>. They work only for wallet-balance payments.
	SuccessURL string
	FailURL    string
	// PaySource is the method shown first (qw, mobile, card, wm, ssk).
	PaySource PaySource
}

// CheckoutURL is the page to hand the payer for an existing invoice:
// base?shop=<prv_id>&transaction=<bill_id>[&embedded=true][&successUrl=..]...
// An empty base means DefaultCheckoutURL.
func CheckoutURL(base, shopID, billID string, opts *CheckoutOptions) string {
	if base == "" {
		base = DefaultCheckoutURL
	}
	q := url.Values{}
	q.Set("shop", shopID)
	q.Set("transaction", billID)
	if opts != nil {
		if opts.Embedded {
			q.Set("embedded", "true")
		}
		if opts.SuccessURL != "" {
			q.Set("successUrl", opts.SuccessURL)
		}
		if opts.FailURL != "" {
			q.Set("failUrl", opts.FailURL)
		}
		if opts.PaySource != "" {
			q.Set("pay_source", string(opts.PaySource))
		}
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + q.Encode()
}

// CheckoutURL builds the checkout page for one of this shop's invoices.
func (c *Client) CheckoutURL(billID string, opts *CheckoutOptions) string {
	return CheckoutURL(c.checkout, c.shopID, billID, opts)
}
