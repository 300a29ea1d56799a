package dialogporten

import (
	"fmt"
	"time"

	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/rules"
)

// Defaults (ASSUMPTIONS A-DP-RESSURS, A-DP-FORSINKELSE).
const (
	DefaultServiceResource = dialogschema.ServiceResource
	DefaultServiceOwner    = "skd"
	DefaultFeedbackDelay   = 200 * time.Millisecond
)

// Config shapes the stand-in. Its zero value is valid: async rules, the
// default service resource, and feedback given at once (delay 0), which is
// what deterministic tests want; DefaultConfig has the realistic delay.
type Config struct {
	// FeedbackDelay is the time between an accepted submission and its
	// feedback transmission. 0 adds the feedback inside the accepting call.
	FeedbackDelay time.Duration `yaml:"feedbackDelay"`
	// BusinessRules is rules.Async (default) or rules.Sync. The composed mock
	// sets it from the API's setting, so it has no YAML key of its own.
	BusinessRules string `yaml:"-"`
	// ServiceResource is the dialogs' service resource URN.
	ServiceResource string `yaml:"serviceResource"`
	// ServiceOwner is the dialogs' org code (Skatteetaten's is "skd").
	ServiceOwner string `yaml:"serviceOwner"`
	// Rules checks a body in async mode; nil means rules.Check, the
	// checker the API's sync mode uses too. Tests set their own.
	Rules rules.Checker `yaml:"-"`

	// defaultRules: Rules is rules.Check, which may also read a body the
	// API has already parsed (rules.CheckParsed).
	defaultRules bool
}

// DefaultConfig is the configuration of `finprod mock`.
func DefaultConfig() Config {
	return Config{FeedbackDelay: DefaultFeedbackDelay, BusinessRules: rules.Async,
		ServiceResource: DefaultServiceResource, ServiceOwner: DefaultServiceOwner}
}

func (c Config) withDefaults() (Config, error) {
	if c.BusinessRules == "" {
		c.BusinessRules = rules.Async
	}
	if err := rules.CheckMode(c.BusinessRules); err != nil {
		return c, fmt.Errorf("dialogporten: %w", err)
	}
	if c.FeedbackDelay < 0 {
		return c, fmt.Errorf("dialogporten: feedbackDelay %s is negative", c.FeedbackDelay)
	}
	if c.ServiceResource == "" {
		c.ServiceResource = DefaultServiceResource
	}
	if c.ServiceOwner == "" {
		c.ServiceOwner = DefaultServiceOwner
	}
	if c.Rules == nil {
		c.Rules = rules.Check
		c.defaultRules = true
	}
	return c, nil
}
