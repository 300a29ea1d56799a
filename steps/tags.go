package steps

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/finprod/finprod/features"
	"github.com/finprod/finprod/target"
)

// tagRE is one tag of an expression, negated or not.
var tagRE = regexp.MustCompile(`^~?@[^\s,&~@]+$`)

// CheckTags reports what is wrong with a godog tag expression: terms
// joined by "," (or), each of tags joined by "&&" (and), a tag written
// @name and negated ~@name. godog itself panics on an empty term and
// silently matches nothing for a tag without "@".
func CheckTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, term := range strings.Split(expr, ",") {
		for _, tag := range strings.Split(term, "&&") {
			tag = strings.TrimSpace(tag)
			switch {
			case tag == "":
				return fmt.Errorf("tag expression %q has an empty term: write tags as @name joined by \",\" (or) and \"&&\" (and), e.g. \"@auth,@idempotens && ~@A-PATH\"", expr)
			case !tagRE.MatchString(tag):
				return fmt.Errorf("tag expression %q: %q is not a tag: write @name, or ~@name for not, e.g. \"@auth && ~@storrelse\"", expr, tag)
			}
		}
	}
	return nil
}

// matches evaluates a checked expression on a scenario's tags.
func matches(expr string, tags map[string]bool) bool {
	if strings.TrimSpace(expr) == "" {
		return true
	}
	for _, term := range strings.Split(expr, ",") {
		all := true
		for _, tag := range strings.Split(term, "&&") {
			tag = strings.TrimSpace(tag)
			if neg, ok := strings.CutPrefix(tag, "~"); ok {
				all = all && !tags[neg]
			} else {
				all = all && tags[tag]
			}
		}
		if all {
			return true
		}
	}
	return false
}

// KnownTags are the tags the embedded features carry, sorted, for messages
// that tell a user what there is to choose from.
func KnownTags() []string {
	seen := map[string]bool{}
	_ = eachScenario(func(tags map[string]bool) {
		for t := range tags {
			seen[t] = true
		}
	})
	return slices.Sorted(maps.Keys(seen))
}

// UnknownTags are the tags of a checked expression, negated or not, that no
// scenario carries: most likely typos.
func UnknownTags(expr string) []string {
	known := KnownTags()
	var out []string
	for _, term := range strings.Split(expr, ",") {
		for _, tag := range strings.Split(term, "&&") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "~")
			if tag != "" && !slices.Contains(known, tag) && !slices.Contains(out, tag) {
				out = append(out, tag)
			}
		}
	}
	return out
}

// ErrNoScenarios: the tags select no scenario on the target, and a run of
// none is never a pass.
var ErrNoScenarios = errors.New("no scenario matches")

// Count returns how many of the embedded scenarios a run against the target
// with these tags would run (EffectiveTags), or an error for a tag
// expression that is not one.
func Count(t *target.Target, tags string) (int, error) {
	if err := CheckTags(tags); err != nil {
		return 0, err
	}
	return count(EffectiveTags(t, tags))
}

// CountLocal is Count for the local mock before it is started: a target
// with the mock's controls runs every scenario the tags select.
func CountLocal(tags string) (int, error) {
	if err := CheckTags(tags); err != nil {
		return 0, err
	}
	return count(tags)
}

// count is how many embedded scenarios a checked expression selects.
func count(expr string) (int, error) {
	n := 0
	err := eachScenario(func(set map[string]bool) {
		if matches(expr, set) {
			n++
		}
	})
	return n, err
}

// eachScenario hands every embedded scenario's tags to f.
func eachScenario(f func(tags map[string]bool)) error {
	names, err := fs.Glob(features.FS(), "*.feature")
	if err != nil {
		return fmt.Errorf("features: %w", err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(features.FS(), name)
		if err != nil {
			return fmt.Errorf("features: %w", err)
		}
		ids := (&messages.Incrementing{}).NewId
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(b), ids)
		if err != nil {
			return fmt.Errorf("features: %s: %w", name, err)
		}
		for _, p := range gherkin.Pickles(*doc, name, ids) {
			set := make(map[string]bool, len(p.Tags))
			for _, tg := range p.Tags {
				set[tg.Name] = true
			}
			f(set)
		}
	}
	return nil
}
