package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/target"
)

// targetChoice is the --target and --profile pair of every command that
// talks to a target (test, load, submit).
type targetChoice struct {
	// Target is "local", "tt02" (with Profile or $FINPROD_PROFILE) or the
	// path of a profile file.
	Target  string
	Profile string
	Getenv  func(string) string
	// Local configures the in-process mock of --target local.
	Local mock.Config
}

// openTarget opens the chosen target and returns it with a run id: a
// shared environment's run gets its own, so it never counts an earlier
// run's forsendelser. Every mistake is a usage error (exit 2); production
// hosts are refused by target.FromProfile.
func openTarget(ctx context.Context, c targetChoice) (*target.Target, string, error) {
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	path := c.Profile
	switch c.Target {
	case "local":
		if c.Profile != "" {
			return nil, "", usageErr("--profile is for --target tt02; --target local starts its own mock")
		}
		tg, err := target.Local(ctx, c.Local)
		if err != nil {
			return nil, "", usageErr("start the local mock: %v", err)
		}
		return tg, "local", nil
	case "tt02":
		if path == "" {
			path = c.Getenv(EnvProfile)
		}
	default:
		if !looksLikeProfile(c.Target) {
			return nil, "", usageErr("--target %q: use local, tt02 (with --profile FILE) or the path of a profile file such as profiles/tt02.yaml", c.Target)
		}
		if c.Profile != "" {
			return nil, "", usageErr("--target %s is a profile already; leave out --profile %s", c.Target, c.Profile)
		}
		if _, err := os.Stat(c.Target); err != nil {
			return nil, "", usageErr("--target %s: no such profile file (copy profiles/tt02.example.yaml and fill it in)", c.Target)
		}
		path = c.Target
	}
	var p target.Profile
	if path != "" {
		var err error
		if p, err = target.LoadProfile(path); err != nil {
			return nil, "", usageErr("%v", err)
		}
	}
	p, err := p.FromEnv(c.Getenv)
	if err != nil {
		return nil, "", usageErr("%v", err)
	}
	tg, err := target.FromProfile(p)
	if err != nil {
		switch {
		case errors.Is(err, target.ErrProduction):
			return nil, "", usageErr("%v", err)
		case path == "":
			return nil, "", usageErr("%v (no profile: give --profile FILE or $%s)", err, EnvProfile)
		}
		return nil, "", usageErr("%s: %v", path, err)
	}
	return tg, uuid.NewString()[:8], nil
}

// looksLikeProfile: a --target value that names a file rather than an
// environment.
func looksLikeProfile(v string) bool {
	ext := strings.ToLower(filepath.Ext(v))
	return ext == ".yaml" || ext == ".yml" || strings.ContainsRune(v, os.PathSeparator)
}
