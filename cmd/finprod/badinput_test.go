package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/flock"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
)

// badFixture is what a mistaken user has lying around: files that are
// missing, folders where a file belongs, files that are not what they
// should be, profiles with one thing wrong each.
type badFixture struct {
	dir, missing, folder, garbage, badYAML, unreadable, key string
	mockURL                                                 string
	// shard is the --out folder of a real one-shard finprod load run.
	shard string
	// leveranse is a synthetic leveranse without findings.
	leveranse string
}

func (fx badFixture) file(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(fx.dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// runWith makes a run folder holding one file.
func (fx badFixture) runWith(t *testing.T, folder, name, content string) string {
	t.Helper()
	d := filepath.Join(fx.dir, folder)
	require.NoError(t, os.MkdirAll(d, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(d, name), []byte(content), 0o600))
	return d
}

// profile writes a TT02 profile whose URLs point at nothing (127.0.0.1:1),
// with the key badFixture, changed by the given key: value lines.
func (fx badFixture) profile(t *testing.T, name string, change map[string]string) string {
	t.Helper()
	v := map[string]string{
		"api": "http://127.0.0.1:1", "dialogporten": "http://127.0.0.1:1/dialogporten/graphql",
		"issuer": "http://127.0.0.1:1/maskinporten/", "keyFile": fx.key, "systembruker": `"315300029"`, "oppgavegiver": `"315300029"`,
	}
	for k, c := range change {
		v[k] = c
	}
	return fx.file(t, name, fmt.Sprintf("api: %s\ndialogporten: %s\nmaskinporten:\n  issuer: %s\n  clientId: c\n  kid: k\n  keyFile: %s\n  systembruker: %s\noppgavegiver: %s\n",
		v["api"], v["dialogporten"], v["issuer"], v["keyFile"], v["systembruker"], v["oppgavegiver"]))
}

// badRow is one command line a user gets wrong, and what must come back:
// the exit code and what the one message must name.
type badRow struct {
	name string
	args func(fx badFixture) []string
	code int
	want []string
	// rootCannotTest: the row needs a file this process cannot read,
	// which no file is for root.
	rootCannotTest bool
}

func args(a ...string) func(badFixture) []string { return func(badFixture) []string { return a } }

// unreachable is an issuer nothing listens on: a row that gets as far as
// the network must never reach a real host.
const unreachable = "http://127.0.0.1:1/"

// badRows are the rows written for each command, by its path. Every
// runnable command needs rows here or a reason in noInputs; every command
// also gets the rows of genericBadRows.
func badRows(t *testing.T) map[string][]badRow {
	return map[string][]badRow{
		"finprod test": append(targetRows(t, args("test")),
			badRow{"unknown format", args("test", "--format", "fancy"), exitUsage, []string{"--format", "pretty"}, false},
			badRow{"no concurrency", args("test", "--concurrency", "0"), exitUsage, []string{"--concurrency", "at least 1"}, false},
			badRow{"not a number", args("test", "--concurrency", "many"), exitUsage, []string{"--concurrency", "many"}, false},
			badRow{"tags with an empty term", args("test", "--tags", "@auth &&"), exitUsage, []string{"--tags", "empty"}, false},
			badRow{"a tag without @", args("test", "--tags", "auth"), exitUsage, []string{"--tags", `"auth" is not a tag`}, false},
			badRow{"tags that select nothing", func(fx badFixture) []string { return []string{"test", "--tags", "@finnes-ikke", "--out", fx.dir} }, exitUsage, []string{"@finnes-ikke", "no scenario"}, false},
			badRow{"output folder is a file", func(fx badFixture) []string { return []string{"test", "--out", fx.garbage} }, exitUsage, []string{"output folder", "garbage.txt"}, false},
		),
		"finprod load":          append(targetRows(t, args("load", "--rate", "1", "--count", "1", "--progress", "none")), loadRows(t)...),
		"finprod load capacity": append(targetRows(t, args("load", "capacity", "--start", "1", "--progress", "none")), capacityRows()...),
		"finprod submit":        append(targetRows(t, func(fx badFixture) []string { return []string{"submit", fx.leveranse} }), submitRows(t)...),
		"finprod load merge":    mergeRows(t),
		"finprod run": {
			{"output folder is a file", func(fx badFixture) []string { return []string{"run", "--out", fx.garbage} }, exitUsage, []string{"output folder", "garbage.txt"}, false},
		},
		"finprod mock": {
			{"not loopback", func(fx badFixture) []string {
				return []string{"mock", "--listen", "0.0.0.0:8080", "--state-dir", fx.dir}
			}, exitUsage, []string{"0.0.0.0:8080", "loopback"}, false},
			{"not an address", func(fx badFixture) []string { return []string{"mock", "--listen", "nonsense", "--state-dir", fx.dir} }, exitUsage, []string{"nonsense", "host:port"}, false},
			{"port in use", func(fx badFixture) []string {
				return []string{"mock", "--listen", strings.TrimPrefix(fx.mockURL, "http://"), "--state-dir", fx.dir}
			}, exitUsage, []string{"address already in use"}, false},
			{"config missing", func(fx badFixture) []string { return []string{"mock", "--config", fx.missing} }, exitUsage, []string{"missing.yaml"}, false},
			{"config is a folder", func(fx badFixture) []string { return []string{"mock", "--config", fx.folder} }, exitUsage, []string{"is a directory"}, false},
			{"config unreadable", func(fx badFixture) []string { return []string{"mock", "--config", fx.unreadable} }, exitUsage, []string{"permission denied"}, true},
			{"config not YAML", func(fx badFixture) []string { return []string{"mock", "--config", fx.badYAML} }, exitUsage, []string{"mock config", "bad.yaml"}, false},
			{"config with a typo", func(fx badFixture) []string {
				return []string{"mock", "--config", fx.file(t, "mocktypo.yaml", "api:\n  busnessRules: sync\n")}
			}, exitUsage, []string{"busnessRules"}, false},
			{"OpenAPI missing", func(fx badFixture) []string {
				return []string{"mock", "--openapi", fx.missing, "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"openapi", "missing.yaml"}, false},
			{"OpenAPI is not one", func(fx badFixture) []string {
				return []string{"mock", "--openapi", fx.garbage, "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"garbage.txt", "not an OpenAPI document"}, false},
			{"latency range", args("mock", "--latency-range", "5ms"), exitUsage, []string{"--latency-range", "MIN-MAX"}, false},
			{"share above 1", func(fx badFixture) []string {
				return []string{"mock", "--fail-share", "2", "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"--fail-share 2", "0..1"}, false},
			{"years backwards", args("mock", "--open-years", "2026-2020"), exitUsage, []string{"--open-years"}, false},
			{"unknown business rules", func(fx badFixture) []string {
				return []string{"mock", "--business-rules", "later", "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"later", "async", "sync"}, false},
			{"unknown systembruker rule", func(fx badFixture) []string {
				return []string{"mock", "--systembruker", "sometimes", "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"sometimes", "required or optional"}, false},
			{"negative latency", func(fx badFixture) []string {
				return []string{"mock", "--latency", "-1s", "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"negative"}, false},
			{"state folder is a file", func(fx badFixture) []string {
				return []string{"mock", "--state-dir", fx.garbage, "--listen", "127.0.0.1:0"}
			}, exitUsage, []string{"garbage.txt"}, false},
			{"socket fault shares above 1", func(fx badFixture) []string {
				return []string{"mock", "--reset-share", "0.6", "--trickle-share", "0.6", "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"add up to 1.2", "at most 1"}, false},
			{"store is not SQLite", func(fx badFixture) []string {
				return []string{"mock", "--store", fx.garbage, "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"garbage.txt", "not a SQLite database", "--store"}, false},
			{"store is a folder", func(fx badFixture) []string {
				return []string{"mock", "--store", fx.folder, "--listen", "127.0.0.1:0", "--state-dir", fx.dir}
			}, exitUsage, []string{"is a folder", "store.db"}, false},
		},
		"finprod token": {
			{"no client id", args("token", "--issuer", unreachable), exitUsage, []string{"client id", "--client-id"}, false},
			{"no key", args("token", "--client-id", "c", "--issuer", unreachable), exitUsage, []string{"--key", "--p12"}, false},
			{"key missing", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--kid", "k", "--key", fx.missing, "--issuer", unreachable}
			}, exitUsage, []string{"missing.yaml"}, false},
			{"key is a folder", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--kid", "k", "--key", fx.folder, "--issuer", unreachable}
			}, exitUsage, []string{"is a directory"}, false},
			{"key unreadable", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--kid", "k", "--key", fx.unreadable, "--issuer", unreachable}
			}, exitUsage, []string{"permission denied"}, true},
			{"key is not a key", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--kid", "k", "--key", fx.garbage, "--issuer", unreachable}
			}, exitUsage, []string{"garbage.txt", "no PEM private key"}, false},
			{"key and PKCS#12", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--key", fx.key, "--p12", fx.garbage, "--issuer", unreachable}
			}, exitUsage, []string{"--key", "--p12", "not both"}, false},
			{"PKCS#12 password variable unset", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--p12", fx.garbage, "--password-env", "FINPROD_TEST_UNSET_PASSWORD", "--issuer", unreachable}
			}, exitUsage, []string{"FINPROD_TEST_UNSET_PASSWORD"}, false},
			{"client file missing", func(fx badFixture) []string { return []string{"token", "--config", fx.missing} }, exitUsage, []string{"missing.yaml"}, false},
			{"client file not YAML", func(fx badFixture) []string { return []string{"token", "--config", fx.badYAML} }, exitUsage, []string{"bad.yaml"}, false},
			{"unknown environment", func(fx badFixture) []string {
				return []string{"token", "--env", "staging", "--client-id", "c", "--kid", "k", "--key", fx.key}
			}, exitUsage, []string{"staging", "test or prod"}, false},
			{"systembruker not an organisasjonsnummer", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--kid", "k", "--key", fx.key, "--systembruker", "12", "--issuer", unreachable}
			}, exitUsage, []string{`"12"`, "organisasjonsnummer"}, false},
			{"issuer without its slash", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--kid", "k", "--key", fx.key, "--issuer", "http://127.0.0.1:1"}
			}, exitUsage, []string{"must end with '/'"}, false},
			{"Maskinporten does not answer", func(fx badFixture) []string {
				return []string{"token", "--client-id", "c", "--kid", "k", "--key", fx.key, "--issuer", unreachable}
			}, exitUnreachable, []string{"cannot reach Maskinporten", "127.0.0.1:1"}, false},
		},
		"finprod generate": {
			{"no oppgaver", args("generate", "--oppgaver", "0"), exitUsage, []string{"--oppgaver", "at least 1"}, false},
			{"no leveranser", args("generate", "--leveranser", "-1"), exitUsage, []string{"--leveranser", "at least 1"}, false},
			{"unknown defect", args("generate", "--defect", "nope"), exitUsage, []string{"nope", "feil-sum"}, false},
			{"income year", args("generate", "--inntektsaar", "99"), exitUsage, []string{"inntektsaar 99"}, false},
			{"oppgavegiver not an organisasjonsnummer", args("generate", "--oppgavegiver", "123"), exitUsage, []string{`"123"`, "wrong length"}, false},
			{"oppgavegiver's check digit", args("generate", "--oppgavegiver", "310000001"), exitUsage, []string{"310000001", "check digit"}, false},
			{"output under a file", func(fx badFixture) []string {
				return []string{"generate", "--out", filepath.Join(fx.garbage, "lev.json")}
			}, exitUsage, []string{"garbage.txt"}, false},
			{"too many finansprodukter", args("generate", "--max-finansprodukter", "11"), exitUsage, []string{"1–10", "11"}, false},
			{"no workers", args("generate", "--workers", "0"), exitUsage, []string{"--workers"}, false},
			{"body limit below one oppgave", args("generate", "--max-body-size", "10"), exitUsage, []string{"maximum body size"}, false},
			{"seed not a number", args("generate", "--seed", "x"), exitUsage, []string{"--seed", `"x"`}, false},
		},
		"finprod fetch": {
			{"no Dialogporten", args("fetch", "--dialog", "0193b5cd-cb85-7320-bd8c-6c78c88dc8af"), exitUsage, []string{"--dialogporten", "required"}, false},
			{"not a URL", args("fetch", "--dialogporten", "ftp://x", "--dialog", "0193b5cd-cb85-7320-bd8c-6c78c88dc8af"), exitUsage, []string{"ftp://x", "http(s)"}, false},
			{"nothing to fetch", args("fetch", "--dialogporten", "http://127.0.0.1:1/dialogporten/graphql"), exitUsage, []string{"--dialog", "--forsendelse", "--party"}, false},
			{"dialog not a UUID", args("fetch", "--dialogporten", "http://127.0.0.1:1/dialogporten/graphql", "--dialog", "abc"), exitUsage, []string{"--dialog", `"abc"`, "UUID"}, false},
			{"party not an organisasjonsnummer", args("fetch", "--dialogporten", "http://127.0.0.1:1/dialogporten/graphql",
				"--forsendelse", "0193b5cd-cbce-7dbd-b188-1437db673767", "--party", "12"), exitUsage, []string{"--party", `"12"`}, false},
			{"no token", args("fetch", "--dialogporten", "http://127.0.0.1:1/dialogporten/graphql", "--dialog", "0193b5cd-cb85-7320-bd8c-6c78c88dc8af"), exitUsage, []string{"--token-file", "FINPROD_TOKEN"}, false},
			{"token file missing", func(fx badFixture) []string {
				return []string{"fetch", "--dialogporten", "http://127.0.0.1:1/dialogporten/graphql", "--dialog", "0193b5cd-cb85-7320-bd8c-6c78c88dc8af", "--token-file", fx.missing}
			}, exitUsage, []string{"token file", "missing.yaml"}, false},
			{"token file is a folder", func(fx badFixture) []string {
				return []string{"fetch", "--dialogporten", "http://127.0.0.1:1/dialogporten/graphql", "--dialog", "0193b5cd-cb85-7320-bd8c-6c78c88dc8af", "--token-file", fx.folder}
			}, exitUsage, []string{"token file", "is a directory"}, false},
			{"Dialogporten does not answer", func(fx badFixture) []string {
				return []string{"fetch", "--dialogporten", "http://127.0.0.1:1/dialogporten/graphql", "--dialog", "0193b5cd-cb85-7320-bd8c-6c78c88dc8af", "--token-file", fx.garbage}
			}, exitUnreachable, []string{"unreachable", "127.0.0.1:1"}, false},
			{"token refused", func(fx badFixture) []string {
				return []string{"fetch", "--dialogporten", fx.mockURL + "/dialogporten/graphql", "--dialog", "0193b5cd-cb85-7320-bd8c-6c78c88dc8af", "--token-file", fx.garbage}
			}, exitUnreachable, []string{"not valid"}, false},
		},
		"finprod contract validate": checkRows(t, "contract", "validate"),
		"finprod check":             checkRows(t, "check"),
		"finprod report": {
			{"run folder missing", func(fx badFixture) []string { return []string{"report", "--out", fx.missing} }, exitUsage, []string{"missing.yaml", "does not exist"}, false},
			{"run folder is a file", func(fx badFixture) []string { return []string{"report", "--out", fx.garbage} }, exitUsage, []string{"garbage.txt", "not a run folder"}, false},
			{"run folder without results", func(fx badFixture) []string { return []string{"report", "--out", fx.folder} }, exitUsage, []string{"adir", "no run results"}, false},
			{"results that are not Cucumber JSON", func(fx badFixture) []string {
				return []string{"report", "--out", fx.runWith(t, "broken-run", "cucumber.json", "garbage\n"), "--no-history"}
			}, exitUsage, []string{"cucumber.json", "not Cucumber JSON"}, false},
			{"history is not SQLite", func(fx badFixture) []string {
				return []string{"report", "--out", fx.runWith(t, "run-for-history", "cucumber.json", "[]\n"), "--history", fx.garbage}
			}, exitUsage, []string{"garbage.txt", "not a SQLite database"}, false},
			{"history is a folder", func(fx badFixture) []string {
				return []string{"report", "--out", fx.runWith(t, "run-for-history-dir", "cucumber.json", "[]\n"), "--history", fx.folder}
			}, exitUsage, []string{"adir", "is a folder"}, false},
			{"no trend", func(fx badFixture) []string { return []string{"report", "--out", fx.folder, "--trend", "0"} }, exitUsage, []string{"--trend"}, false},
		},
		"finprod report drift": {
			{"no runs", args("report", "drift"), exitUsage, []string{"two run folders"}, false},
			{"one run", args("report", "drift", "a"), exitUsage, []string{"two run folders", "got 1"}, false},
			{"runs missing", func(fx badFixture) []string { return []string{"report", "drift", fx.missing, fx.missing} }, exitUsage, []string{"missing.yaml", "does not exist"}, false},
			{"runs without results", func(fx badFixture) []string { return []string{"report", "drift", fx.folder, fx.folder} }, exitUsage, []string{"no run results"}, false},
			{"unknown format", func(fx badFixture) []string {
				return []string{"report", "drift", fx.folder, fx.folder, "--format", "xml"}
			}, exitUsage, []string{"--format", "text or json"}, false},
		},
		"finprod dialogporten check-schema": {
			{"no schema", args("dialogporten", "check-schema"), exitUsage, []string{"--schema", "required"}, false},
			{"schema missing", func(fx badFixture) []string { return []string{"dialogporten", "check-schema", "--schema", fx.missing} }, exitUsage, []string{"missing.yaml"}, false},
			{"schema is a folder", func(fx badFixture) []string { return []string{"dialogporten", "check-schema", "--schema", fx.folder} }, exitUsage, []string{"is a directory"}, false},
			{"schema unreadable", func(fx badFixture) []string {
				return []string{"dialogporten", "check-schema", "--schema", fx.unreadable}
			}, exitUsage, []string{"permission denied"}, true},
			{"schema is not SDL", func(fx badFixture) []string { return []string{"dialogporten", "check-schema", "--schema", fx.garbage} }, exitUsage, []string{"garbage.txt"}, false},
			{"endpoint does not answer", args("dialogporten", "check-schema", "--schema", "http://127.0.0.1:1/graphql"), exitUnreachable, []string{"unreachable", "127.0.0.1:1"}, false},
			{"token file missing", func(fx badFixture) []string {
				return []string{"dialogporten", "check-schema", "--schema", "http://127.0.0.1:1/graphql", "--token-file", fx.missing}
			}, exitUsage, []string{"token file", "missing.yaml"}, false},
		},
	}
}

// targetRows are the rows of every command that opens a target with
// --target and --profile (test, load, load capacity, submit); pre is the
// command and what it needs to get as far as opening one.
func targetRows(t *testing.T, pre func(fx badFixture) []string) []badRow {
	cmd := func(extra func(fx badFixture) []string) func(badFixture) []string {
		return func(fx badFixture) []string { return append(slices.Clone(pre(fx)), extra(fx)...) }
	}
	tt02 := func(profile func(fx badFixture) string) func(badFixture) []string {
		return cmd(func(fx badFixture) []string {
			return []string{"--target", "tt02", "--profile", profile(fx), "--out", fx.dir}
		})
	}
	return []badRow{
		{"unknown target", cmd(func(badFixture) []string { return []string{"--target", "nowhere"} }), exitUsage, []string{`--target "nowhere"`, "local, tt02", "profile file"}, false},
		{"profile for the local target", cmd(func(badFixture) []string { return []string{"--profile", "p.yaml"} }), exitUsage, []string{"--profile is for --target tt02"}, false},
		{"tt02 without a profile", cmd(func(fx badFixture) []string { return []string{"--target", "tt02", "--out", fx.dir} }), exitUsage, []string{"--profile", "clientId"}, false},
		{"profile missing", tt02(func(fx badFixture) string { return fx.missing }), exitUsage, []string{"missing.yaml"}, false},
		{"profile is a folder", tt02(func(fx badFixture) string { return fx.folder }), exitUsage, []string{"is a directory"}, false},
		{"profile unreadable", tt02(func(fx badFixture) string { return fx.unreadable }), exitUsage, []string{"permission denied"}, true},
		{"profile not YAML", tt02(func(fx badFixture) string { return fx.badYAML }), exitUsage, []string{"profile", "bad.yaml"}, false},
		{"profile with a typo", tt02(func(fx badFixture) string { return fx.file(t, "typo.yaml", "nmae: tt02\n") }), exitUsage, []string{`unknown field "nmae"`}, false},
		{"profile's key file missing", tt02(func(fx badFixture) string {
			return fx.profile(t, "nokey.yaml", map[string]string{"keyFile": fx.missing})
		}), exitUsage, []string{"missing.yaml"}, false},
		{"profile's key file is not a key", tt02(func(fx badFixture) string {
			return fx.profile(t, "garbagekey.yaml", map[string]string{"keyFile": fx.garbage})
		}), exitUsage, []string{"garbage.txt", "no PEM private key"}, false},
		{"profile's systembruker is not an organisasjonsnummer", tt02(func(fx badFixture) string {
			return fx.profile(t, "short.yaml", map[string]string{"systembruker": `"12"`})
		}), exitUsage, []string{"maskinporten.systembruker", `"12"`}, false},
		{"profile's URL is not one", tt02(func(fx badFixture) string {
			return fx.profile(t, "url.yaml", map[string]string{"api": "ftp://x"})
		}), exitUsage, []string{"api", "ftp://x"}, false},
		{"profile file as the target, missing", cmd(func(fx badFixture) []string {
			return []string{"--target", filepath.Join(fx.dir, "nowhere.yaml"), "--out", fx.dir}
		}), exitUsage, []string{"nowhere.yaml", "no such profile file"}, false},
		{"profile file as the target, and --profile too", cmd(func(fx badFixture) []string {
			p := fx.profile(t, "as-target.yaml", nil)
			return []string{"--target", p, "--profile", p, "--out", fx.dir}
		}), exitUsage, []string{"is a profile already", "leave out --profile"}, false},
		{"target does not answer", tt02(func(fx badFixture) string { return fx.profile(t, "ok.yaml", nil) }),
			exitUnreachable, []string{"no token", "127.0.0.1:1"}, false},
	}
}

// loadRows are finprod load's own: its shape, bounds, shards, workers,
// retries, outputs and the test environments' rate ceiling.
func loadRows(t *testing.T) []badRow {
	load := func(a ...string) func(badFixture) []string {
		return args(append([]string{"load", "--progress", "none"}, a...)...)
	}
	return []badRow{
		{"unbounded", load("--rate", "10"), exitUsage, []string{"unbounded", "--duration", "--count"}, false},
		{"no rate", load("--rate", "0", "--count", "1"), exitUsage, []string{"--rate must be positive"}, false},
		{"rate not a number", load("--rate", "fast", "--count", "1"), exitUsage, []string{"--rate", `"fast"`}, false},
		{"negative duration", load("--duration", "-1s", "--count", "1"), exitUsage, []string{"--duration must be positive"}, false},
		{"an SLO it cannot read", load("--count", "1", "--slo", "p99<fast"), exitUsage, []string{"--slo", `"p99<fast"`, "p99<800ms"}, false},
		{"unknown shape", load("--count", "1", "--shape", "square"), exitUsage, []string{`--shape "square"`, "constant, linear, steps or sine"}, false},
		{"a ramp without a duration", load("--count", "1", "--rate-to", "50"), exitUsage, []string{"ramps over --duration"}, false},
		{"a swing above the rate", load("--duration", "1s", "--amplitude", "500"), exitUsage, []string{"--amplitude between 0 and --rate"}, false},
		{"a step without a duration", load("--steps", "10@", "--count", "1"), exitUsage, []string{"--steps", `"10@"`, "10s"}, false},
		{"shard not i/n", load("--count", "1", "--shard", "x", "--seed", "1"), exitUsage, []string{`--shard "x"`, "0/4"}, false},
		{"shard index out of range", load("--count", "1", "--shard", "4/4", "--seed", "1"), exitUsage, []string{"0 ≤ index < count"}, false},
		{"shard index from a Job that is not one", load("--count", "1", "--shard", "auto/4", "--seed", "1"), exitUsage, []string{EnvJobIndex, "Indexed Job"}, false},
		{"shards without a shared seed", load("--count", "1", "--shard", "0/4"), exitUsage, []string{"--shard needs --seed"}, false},
		{"no oppgaver", load("--count", "1", "--oppgaver", "0"), exitUsage, []string{"--oppgaver must be at least 1"}, false},
		{"unknown live view", args("load", "--count", "1", "--progress", "fancy"), exitUsage, []string{`--progress "fancy"`, "auto, panel, lines or none"}, false},
		{"no workers", load("--count", "1", "--workers", "0"), exitUsage, []string{"--workers must be at least 1"}, false},
		{"fewer most workers than workers", load("--count", "1", "--workers", "8", "--max-workers", "2"), exitUsage, []string{"--max-workers 2 is below --workers 8"}, false},
		{"negative connections", load("--count", "1", "--connections", "-1"), exitUsage, []string{"--connections must not be negative"}, false},
		{"no timeout, negative retries and ceiling", load("--count", "1", "--timeout", "0", "--retries", "-1", "--max-rate", "-1"), exitUsage,
			[]string{"--timeout must be positive", "--retries must not be negative", "--max-rate must not be negative"}, false},
		{"no backoff", load("--count", "1", "--retry-base", "0"), exitUsage, []string{"--retry-base", "must be positive"}, false},
		{"above a test environment's ceiling", func(fx badFixture) []string {
			return []string{"load", "--progress", "none", "--target", fx.profile(t, "ceiling.yaml", nil), "--rate", "200", "--count", "10", "--out", fx.dir}
		}, exitUsage, []string{"200/s", "ceiling of 10/s", "--max-rate 200"}, false},
		{"output folder is a file", func(fx badFixture) []string {
			return []string{"load", "--progress", "none", "--count", "1", "--out", fx.garbage}
		}, exitUsage,
			[]string{"output folder", "garbage.txt"}, false},
		{"mock config for a target that is not the local mock", func(fx badFixture) []string {
			return []string{"load", "--progress", "none", "--count", "1", "--target", fx.profile(t, "withmock.yaml", nil), "--mock-config", fx.missing, "--out", fx.dir}
		}, exitUsage, []string{"--mock-config", "--target local"}, false},
		{"mock config that is not one", func(fx badFixture) []string {
			return []string{"load", "--progress", "none", "--count", "1", "--mock-config", fx.file(t, "badfaults.yaml", "api:\n  faults: {dropShare: 2}\n"), "--out", fx.dir}
		}, exitUsage, []string{"--mock-config", "dropShare 2", "0..1"}, false},
		{"CPU profile in a folder that is not there", func(fx badFixture) []string {
			return []string{"load", "--progress", "none", "--count", "1", "--out", fx.dir, "--cpuprofile", filepath.Join(fx.missing, "cpu.prof")}
		}, exitUsage, []string{"--cpuprofile", "missing.yaml"}, false},
	}
}

// capacityRows are finprod load capacity's own: the search's steps and
// the deadline question.
func capacityRows() []badRow {
	capacity := func(a ...string) func(badFixture) []string {
		return args(append([]string{"load", "capacity", "--progress", "none"}, a...)...)
	}
	return []badRow{
		{"volume without a deadline", capacity("--volume", "5"), exitUsage, []string{"--volume", "--deadline"}, false},
		{"negative volume", capacity("--volume", "-5", "--deadline", "1h"), exitUsage, []string{"--volume must not be negative"}, false},
		{"deadline and window", capacity("--deadline", "1h", "--window", "a/b"), exitUsage, []string{"--deadline or --window, not both"}, false},
		{"deadline neither a duration nor a time", capacity("--deadline", "soon"), exitUsage, []string{`--deadline "soon"`, "72h", "2027-01-31T23:59:00+01:00"}, false},
		{"deadline passed", capacity("--deadline", "2020-01-01T00:00:00Z"), exitUsage, []string{"2020-01-01T00:00:00Z has passed"}, false},
		{"window not FROM/TO", capacity("--window", "x/y"), exitUsage, []string{`--window "x/y"`, "RFC 3339"}, false},
		{"window backwards", capacity("--window", "2027-02-01T00:00:00Z/2027-01-01T00:00:00Z"), exitUsage, []string{"ends before it starts"}, false},
		{"no start rate", capacity("--start", "0"), exitUsage, []string{"--start must be positive"}, false},
		{"no stage", capacity("--stage", "0"), exitUsage, []string{"--stage must be positive"}, false},
		{"no precision", capacity("--precision", "0"), exitUsage, []string{"--precision must be positive"}, false},
		{"no stages", capacity("--max-stages", "0"), exitUsage, []string{"--max-stages must be at least 1"}, false},
		{"start above the top", capacity("--start", "100", "--max-rate", "50"), exitUsage, []string{"start rate 100/s is above", "50/s"}, false},
		{"no SLO to meet", capacity("--slo", ""), exitUsage, []string{"needs an SLO", "--slo"}, false},
		{"an SLO it cannot read", capacity("--slo", "p99"), exitUsage, []string{"--slo", `"p99"`}, false},
	}
}

// mergeRows are finprod load merge's: folders that are not a whole sharded
// run, and outputs that are not finprod load's.
func mergeRows(t *testing.T) []badRow {
	summary := func(index, count int, seed uint64) string {
		return fmt.Sprintf(`{"format":"finprod.load.summary/v1","kind":"run","parameters":{"seed":%d,"shard":{"index":%d,"count":%d}}}`, seed, index, count)
	}
	// shard copies the real shard of the fixture with one file replaced
	// (or removed, when content is "").
	shard := func(fx badFixture, folder, file, content string) string {
		d := filepath.Join(fx.dir, folder)
		require.NoError(t, os.MkdirAll(d, 0o755))
		for _, f := range []string{"summary.json", "latency.hdr", "results.bin"} {
			b, err := os.ReadFile(filepath.Join(fx.shard, "load", f))
			require.NoError(t, err)
			if f == file {
				b = []byte(content)
			}
			if f != file || content != "" {
				require.NoError(t, os.WriteFile(filepath.Join(d, f), b, 0o600))
			}
		}
		return d
	}
	return []badRow{
		{"shard folder missing", func(fx badFixture) []string { return []string{"load", "merge", fx.missing} }, exitUsage, []string{"missing.yaml", "summary.json", "no such file"}, false},
		{"shard folder without a summary", func(fx badFixture) []string { return []string{"load", "merge", fx.folder} }, exitUsage, []string{"adir", "summary.json"}, false},
		{"shard folder is a file", func(fx badFixture) []string { return []string{"load", "merge", fx.garbage} }, exitUsage, []string{"garbage.txt", "not a directory"}, false},
		{"summary not JSON", func(fx badFixture) []string {
			return []string{"load", "merge", fx.runWith(t, "merge-garbage", "summary.json", "garbage\n")}
		}, exitUsage, []string{"merge-garbage", "summary.json is not JSON (a finprod.load.summary/v1 file is)"}, false},
		{"summary of another format", func(fx badFixture) []string {
			return []string{"load", "merge", fx.runWith(t, "merge-v9", "summary.json", `{"format":"finprod.load.summary/v9"}`)}
		}, exitUsage, []string{"is format finprod.load.summary/v9; this finprod reads finprod.load.summary/v1"}, false},
		{"a capacity search, not a shard", func(fx badFixture) []string {
			return []string{"load", "merge", fx.runWith(t, "merge-capacity", "summary.json", `{"format":"finprod.load.summary/v1","kind":"capacity"}`)}
		}, exitUsage, []string{"capacity summary", "--shard i/n"}, false},
		{"a shard missing", func(fx badFixture) []string {
			return []string{"load", "merge", fx.runWith(t, "merge-0-of-2", "summary.json", summary(0, 2, 1))}
		}, exitUsage, []string{"shards [1] of 2 are missing"}, false},
		{"the same shard twice", func(fx badFixture) []string {
			d := fx.runWith(t, "merge-twice", "summary.json", summary(0, 2, 1))
			return []string{"load", "merge", d, d}
		}, exitUsage, []string{"both shard 0/2"}, false},
		{"shards of two runs", func(fx badFixture) []string {
			return []string{"load", "merge", fx.runWith(t, "merge-seed-1", "summary.json", summary(0, 2, 1)), fx.runWith(t, "merge-seed-2", "summary.json", summary(1, 2, 2))}
		}, exitUsage, []string{"seed 2", "seed 1", "share the seed"}, false},
		{"shards of two splits", func(fx badFixture) []string {
			return []string{"load", "merge", fx.runWith(t, "merge-of-2", "summary.json", summary(0, 2, 1)), fx.runWith(t, "merge-of-3", "summary.json", summary(1, 3, 1))}
		}, exitUsage, []string{"shard 1/3", "one of 2 shards"}, false},
		{"latency not an HDR log", func(fx badFixture) []string {
			return []string{"load", "merge", shard(fx, "merge-hdr", "latency.hdr", "garbage\n")}
		},
			exitUsage, []string{"latency.hdr", "finprod load output"}, false},
		{"results missing", func(fx badFixture) []string {
			return []string{"load", "merge", shard(fx, "merge-nores", "results.bin", "")}
		},
			exitUsage, []string{"results.bin", "no such file"}, false},
		{"results not Vegeta's", func(fx badFixture) []string {
			return []string{"load", "merge", shard(fx, "merge-res", "results.bin", "garbage\n")}
		},
			exitUsage, []string{"results.bin", "not a whole Vegeta results file"}, false},
		{"an SLO it cannot read", func(fx badFixture) []string { return []string{"load", "merge", "--slo", "p99", fx.shard} }, exitUsage, []string{"--slo", `"p99"`}, false},
		{"output folder is a file", func(fx badFixture) []string { return []string{"load", "merge", "--out", fx.garbage, fx.shard} }, exitUsage, []string{"output folder", "garbage.txt"}, false},
	}
}

// submitRows are finprod submit's own: its files, flags and receipts. The
// rows with a file to send run against the embedded mock, which refuses
// nothing of what they get wrong: submit itself must.
func submitRows(t *testing.T) []badRow {
	submit := func(f func(fx badFixture) []string) func(badFixture) []string {
		return func(fx badFixture) []string {
			return append([]string{"submit", "--out", filepath.Join(fx.dir, "submit-rows"), "--fresh"}, f(fx)...)
		}
	}
	return []badRow{
		{"no file", args("submit"), exitUsage, []string{"at least one FILE"}, false},
		{"resume and fresh", func(fx badFixture) []string { return []string{"submit", "--resume", "--fresh", fx.leveranse} }, exitUsage, []string{"--resume", "--fresh"}, false},
		{"file missing", submit(func(fx badFixture) []string { return []string{fx.missing} }), exitUsage, []string{"missing.yaml", "no such file"}, false},
		{"folder without leveranser", submit(func(fx badFixture) []string { return []string{fx.folder} }), exitUsage, []string{"adir", "no .json"}, false},
		{"file unreadable", submit(func(fx badFixture) []string { return []string{fx.unreadable} }), exitUsage, []string{"unreadable.yaml", "permission denied"}, true},
		{"empty file", submit(func(fx badFixture) []string { return []string{fx.file(t, "submit-empty.json", "\n")} }), exitUsage, []string{"submit-empty.json", "empty"}, false},
		{"not JSON", submit(func(fx badFixture) []string { return []string{fx.garbage} }), exitUsage, []string{"garbage.txt", "not JSON", "1 leveranse(r) were not sent"}, false},
		{"not JSON inside its braces", submit(func(fx badFixture) []string {
			return []string{fx.file(t, "submit-braces.json", `{"leveranse": {"inntektsaar": 2025, "oppgave" []}}`)}
		}), exitUsage, []string{"submit-braces.json", "not JSON", "after object key"}, false},
		{"no inntektsaar", submit(func(fx badFixture) []string { return []string{fx.file(t, "submit-noyear.json", `{"leveranse": {}}`)} }),
			exitUsage, []string{"no four-digit inntektsaar", "--inntektsaar"}, false},
		{"no oppgavegiver on the local mock", submit(func(fx badFixture) []string {
			return []string{fx.file(t, "submit-nobody.json", `{"leveranse": {"inntektsaar": 2025}}`)}
		}), exitUsage, []string{"names no oppgavegiver", "finprod check"}, false},
		{"no concurrency", submit(func(fx badFixture) []string { return []string{"--concurrency", "0", fx.leveranse} }), exitUsage, []string{"--concurrency", "at least 1"}, false},
		{"income year", submit(func(fx badFixture) []string { return []string{"--inntektsaar", "25", fx.leveranse} }), exitUsage, []string{"--inntektsaar 25"}, false},
		{"negative retries", submit(func(fx badFixture) []string { return []string{"--retries", "-1", fx.leveranse} }), exitUsage, []string{"--retries", "0 or more"}, false},
		{"no attempt timeout", submit(func(fx badFixture) []string { return []string{"--attempt-timeout", "0", fx.leveranse} }), exitUsage, []string{"--attempt-timeout must be positive"}, false},
		{"negative feedback timeout", submit(func(fx badFixture) []string { return []string{"--feedback-timeout", "-1s", fx.leveranse} }), exitUsage, []string{"--feedback-timeout", "negative"}, false},
		{"output folder is a file", func(fx badFixture) []string { return []string{"submit", "--out", fx.garbage, fx.leveranse} }, exitUsage, []string{"output folder", "garbage.txt", "--out"}, false},
		{"earlier receipts", func(fx badFixture) []string {
			fx.runWith(t, filepath.Join("delivered", "submit"), "receipts.ndjson", `{"sha256":"x","status":"accepted"}`+"\n")
			return []string{"submit", "--out", filepath.Join(fx.dir, "delivered"), fx.leveranse}
		}, exitUsage, []string{"earlier delivery", "--resume", "--fresh"}, false},
		{"a delivery under way in the same folder", func(fx badFixture) []string {
			d := filepath.Join(fx.dir, "busy", "submit")
			require.NoError(t, os.MkdirAll(d, 0o755))
			l, _, err := flock.TryLock(filepath.Join(d, ".receipts.lock"))
			require.NoError(t, err)
			require.NoError(t, l.Write("pid 4242\n"))
			t.Cleanup(func() { _ = l.Unlock() })
			return []string{"submit", "--out", filepath.Join(fx.dir, "busy"), fx.leveranse}
		}, exitUsage, []string{"in use by another finprod submit", "pid 4242", "another --out"}, false},
	}
}

// checkRows are finprod check's rows, under either of its names.
func checkRows(t *testing.T, cmd ...string) []badRow {
	with := func(f func(fx badFixture) []string) func(badFixture) []string {
		return func(fx badFixture) []string { return append(slices.Clone(cmd), f(fx)...) }
	}
	return []badRow{
		{"no file", args(cmd...), exitUsage, []string{"at least one FILE"}, false},
		{"file missing", with(func(fx badFixture) []string { return []string{fx.missing} }), exitUsage, []string{"missing.yaml", "no such file"}, false},
		{"folder without leveranser", with(func(fx badFixture) []string { return []string{fx.folder} }), exitUsage, []string{"adir", "no .json"}, false},
		{"file unreadable", with(func(fx badFixture) []string { return []string{fx.unreadable} }), exitUsage, []string{"permission denied"}, true},
		{"empty file", with(func(fx badFixture) []string { return []string{fx.file(t, "empty.json", "")} }), exitUsage, []string{"empty.json", "empty"}, false},
		{"not JSON", with(func(fx badFixture) []string { return []string{fx.garbage} }), exitUsage, []string{"garbage.txt", "is not JSON"}, false},
		{"unknown format", with(func(fx badFixture) []string { return []string{"--format", "xml", fx.garbage} }), exitUsage, []string{"--format", "junit"}, false},
		{"years backwards", with(func(fx badFixture) []string { return []string{"--open-years", "2026-2020", fx.garbage} }), exitUsage, []string{"--open-years"}, false},
		{"income year", with(func(fx badFixture) []string { return []string{"--inntektsaar", "25", fx.garbage} }), exitUsage, []string{"--inntektsaar 25"}, false},
		{"negative body limit", with(func(fx badFixture) []string { return []string{"--max-body-size", "-1", fx.garbage} }), exitUsage, []string{"--max-body-size"}, false},
		{"no findings listed", with(func(fx badFixture) []string { return []string{"--max-findings", "0", fx.leveranse} }), exitUsage, []string{"--max-findings must be at least 1"}, false},
		{"years not a range", with(func(fx badFixture) []string { return []string{"--open-years", "soon", fx.leveranse} }), exitUsage, []string{`--open-years "soon"`, "FROM-TO"}, false},
		{"one file of two not JSON", with(func(fx badFixture) []string { return []string{fx.leveranse, fx.garbage} }), exitUsage, []string{"garbage.txt", "is not JSON", "1 of 2 file(s) could not be checked"}, false},
	}
}

// noInputs are the commands that take nothing a user could get wrong
// beyond the generic rows (an unknown flag, a stray argument).
var noInputs = map[string]string{
	"finprod contract codes":       "prints the catalogue",
	"finprod contract example":     "prints the example",
	"finprod contract openapi":     "prints the document",
	"finprod dialogporten queries": "prints the queries",
	"finprod dialogporten schema":  "prints the SDL",
}

// genericBadRows are the rows every command gets: an unknown flag, an
// argument count it refuses, and for a group an unknown subcommand.
func genericBadRows(c *cobra.Command) []badRow {
	path := strings.Fields(c.CommandPath())[1:]
	with := func(extra ...string) func(badFixture) []string {
		return func(badFixture) []string { return append(slices.Clone(path), extra...) }
	}
	var rows []badRow
	if c.HasSubCommands() {
		rows = append(rows, badRow{"unknown subcommand", with("nope"), exitUsage, []string{`unknown command "nope"`}, false})
	}
	if c.HasSubCommands() && c.RunE == nil {
		return rows // a group alone shows its help
	}
	rows = append(rows, badRow{"unknown flag", with("--nope"), exitUsage, []string{"--nope", "--help"}, false})
	if c.Args != nil && !c.HasSubCommands() {
		for n := 0; n <= 3; n++ {
			extra := make([]string, n)
			for i := range extra {
				extra[i] = fmt.Sprintf("stray%d", i)
			}
			if c.Args(c, extra) != nil {
				rows = append(rows, badRow{fmt.Sprintf("%d arguments", n), with(extra...), exitUsage, nil, false})
				break
			}
		}
	}
	return rows
}

// isGroupHelp: a group whose own run only shows its help (groupsRefuseUnknown).
func isGroupHelp(c *cobra.Command) bool {
	return c.HasSubCommands() && len(c.LocalFlags().FlagUsages()) == 0
}

// commands lists every command of the CLI, groups included.
func commands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
			continue
		}
		out = append(out, sub)
		out = append(out, commands(sub)...)
	}
	return out
}

var stackRE = regexp.MustCompile(`(?m)^goroutine \d+|\.go:\d+|^panic:`)

// TestBadInput runs every command with missing and invalid flags, files,
// folders, unreadable files and profiles. Each gets one clear message
// (naming what is wrong), an exit code that is not 0 (2 for usage, 3 for
// what does not answer, 1 for a file that fails its check), and no panic
// or stack trace.
func TestBadInput(t *testing.T) {
	// It sets the environment and the working directory: a process of its own.
	if !testkit.OwnProcess(t) {
		return
	}
	for _, env := range []string{EnvProfile, "FINPROD_TOKEN", "FINPROD_API_TOKEN", "FINPROD_TEST_UNSET_PASSWORD", EnvJobIndex} {
		t.Setenv(env, "")
	}
	dir := t.TempDir()
	srv, err := mock.Start(cliContext(t), mock.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	fx := badFixture{dir: dir, missing: filepath.Join(dir, "missing.yaml"), folder: filepath.Join(dir, "adir"), mockURL: srv.URL()}
	require.NoError(t, os.Mkdir(fx.folder, 0o755))
	fx.garbage = fx.file(t, "garbage.txt", "garbage\n")
	fx.badYAML = fx.file(t, "bad.yaml", "name: x\napi: [\n")
	fx.unreadable = fx.file(t, "unreadable.yaml", "name: x\n")
	require.NoError(t, os.Chmod(fx.unreadable, 0))
	fx.leveranse = fx.file(t, "lev.json", ndjson(t, 1))
	fx.key = filepath.Join(dir, "key.pem")
	writeTestKey(t, fx.key)
	t.Chdir(dir) // anything a command writes by default lands here
	fx.shard = filepath.Join(dir, "shard")
	out, code := runCLIExit(t, "load", "--count", "2", "--seed", "1", "--shard", "0/1", "--progress", "none", "--out", fx.shard)
	require.Equal(t, exitOK, code, "a shard for the merge rows: %s", out)

	written := badRows(t)
	root := newRootCmd()
	cases := 0
	for _, c := range commands(root) {
		path := c.CommandPath()
		rows := append(genericBadRows(c), written[path]...)
		if c.Runnable() && (!c.HasSubCommands() || c.RunE != nil && !isGroupHelp(c)) && len(written[path]) == 0 {
			_, ok := noInputs[path]
			assert.True(t, ok, "%s has no bad-input rows: add them to badRows, or say in noInputs why it needs none", path)
		}
		delete(written, path)
		for _, r := range rows {
			t.Run(path+"/"+r.name, func(t *testing.T) {
				if r.rootCannotTest && os.Geteuid() == 0 {
					t.Skip("root reads any file; the folder-as-file rows cover unreadable input here")
				}
				cases++
				a := r.args(fx)
				out, code := runNoPanic(t, a...)
				assert.Equal(t, r.code, code, "finprod %s\n%s", strings.Join(a, " "), out)
				assert.NotZero(t, code)
				assert.Equal(t, 1, strings.Count(out, "finprod: "), "one message, from main: %s", out)
				assert.NotRegexp(t, stackRE, out, "no panic or stack trace")
				for _, w := range r.want {
					assert.Contains(t, out, w, "the message names %q", w)
				}
			})
		}
	}
	for path := range written {
		t.Errorf("badRows has rows for %q, which is not a command", path)
	}
	t.Logf("%d bad command lines, each refused with one message", cases)
}

// runNoPanic is runCLIExit, with a panic turned into a test failure
// rather than the end of the test binary.
func runNoPanic(t *testing.T, args ...string) (out string, code int) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("finprod %s panicked: %v", strings.Join(args, " "), p)
		}
	}()
	return runCLIExit(t, args...)
}
