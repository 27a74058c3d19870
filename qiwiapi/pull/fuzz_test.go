package pull_test

import (
	"testing"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
)

// FuzzDecodeEnvelope: the decoder never panics, and whatever it accepts has
// amounts that format back to a parseable two-decimal string.
// Seed corpus: testdata/fuzz/FuzzDecodeEnvelope.
func FuzzDecodeEnvelope(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := pull.DecodeEnvelope(body, qiwiapi.RUB)
		if err != nil {
			return
		}
		if env.Bill != nil {
			s := pull.FormatAmount(env.Bill.Amount)
			if _, err := qiwiapi.ParseAmount(s, env.Bill.Amount.Currency); err != nil && env.Bill.Amount.Minor >= 0 {
				t.Fatalf("amount %+v formats as unparseable %q", env.Bill.Amount, s)
			}
		}
	})
}
