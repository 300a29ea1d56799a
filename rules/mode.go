package rules

import "fmt"

// When the business rules are enforced (ASSUMPTION A-ASYNC): one setting,
// api.businessRules, that the API and Dialogporten's feedback both follow.
const (
	// Async: the API accepts, and the findings are reported in
	// Dialogporten's feedback document (a REJECTION).
	Async = "async"
	// Sync: the API rejects a leveranse that breaks them with 400 GLD_010,
	// and whatever it accepted gets an ACCEPTANCE.
	Sync = "sync"
)

// CheckMode accepts Async, Sync, or "" (which means Async).
func CheckMode(mode string) error {
	switch mode {
	case "", Async, Sync:
		return nil
	}
	return fmt.Errorf("businessRules %q is neither %q nor %q", mode, Async, Sync)
}
