package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/dialogporten"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/spf13/cobra"
	"github.com/vektah/gqlparser/v2/ast"
)

// tokenEnv names the environment variable that may hold a bearer token until
// finprod has target profiles.
const tokenEnv = "FINPROD_TOKEN"

func newDialogportenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dialogporten",
		Short: "Check finprod's Dialogporten queries and show its schema",
		Long: `finprod follows a submission into Altinn's Dialogporten over GraphQL. Its queries are checked
against finprod's own subset of Dialogporten's schema; check-schema checks them against a fresh
copy of the real one, so a breaking change is caught before a TT02 run.`,
		Example: `  finprod dialogporten queries
  finprod dialogporten schema > finprod-dialogporten.graphql
  finprod dialogporten check-schema --schema https://platform.tt02.altinn.no/dialogporten/graphql`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCheckSchemaCmd(), &cobra.Command{
		Use:   "schema",
		Short: "Print finprod's SDL for the part of Dialogporten it uses",
		Example: `  finprod dialogporten schema
  finprod dialogporten schema > finprod-dialogporten.graphql   # diff it against schema.verified.graphql`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(cmd.OutOrStdout(), dialogschema.SDL())
			return err
		},
	}, &cobra.Command{
		Use:   "queries",
		Short: "Print the GraphQL queries finprod sends to Dialogporten",
		Example: `  finprod dialogporten queries
  finprod dialogporten queries > queries.graphql   # try them in Dialogporten's GraphiQL`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, q := range dialogporten.Queries() {
				fmt.Fprintf(cmd.OutOrStdout(), "# %s\n%s\n", q.Name, q.Text)
			}
			return nil
		},
	})
	return cmd
}

func newCheckSchemaCmd() *cobra.Command {
	var source, tokenFile string
	cmd := &cobra.Command{
		Use:   "check-schema --schema FILE|URL",
		Short: "Validate finprod's Dialogporten queries against a schema file or a live endpoint",
		Long: `Validate every GraphQL query finprod sends to Dialogporten against a schema:
  --schema FILE   an SDL file, such as Dialogporten's published schema.verified.graphql
  --schema URL    a live GraphQL endpoint, read by introspection (a token from --token-file or
                  FINPROD_TOKEN is sent if given)

Exit code 0 when every query validates, 1 with the list of problems when one does not.`,
		Example: `  finprod dialogporten check-schema --schema schema.verified.graphql
  finprod dialogporten check-schema --schema https://platform.tt02.altinn.no/dialogporten/graphql`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if source == "" {
				return usageErr("--schema FILE|URL is required")
			}
			schema, err := loadSchema(cmd.Context(), source, tokenFile)
			if err != nil {
				return err
			}
			queries := dialogporten.Queries()
			problems := dialogschema.Check(schema, queries)
			out := cmd.OutOrStdout()
			for _, q := range queries {
				status := "ok  "
				for _, p := range problems {
					if p.Query == q.Name {
						status = "FAIL"
					}
				}
				fmt.Fprintf(out, "%s  %s\n", status, q.Name)
				for _, p := range problems {
					if p.Query == q.Name {
						fmt.Fprintf(out, "      %s\n", p)
					}
				}
			}
			if len(problems) > 0 {
				return failedErr("%d problem(s) in finprod's Dialogporten queries against %s", len(problems), source)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&source, "schema", "", "SDL file or GraphQL endpoint URL")
	cmd.Flags().StringVar(&tokenFile, "token-file", "", "file holding a bearer token for a URL (else $"+tokenEnv+")")
	return cmd
}

func loadSchema(ctx context.Context, source, tokenFile string) (*ast.Schema, error) {
	if !strings.HasPrefix(source, "http://") && !strings.HasPrefix(source, "https://") {
		data, err := os.ReadFile(source)
		if err != nil {
			return nil, usageErr("cannot read schema: %v", err)
		}
		s, err := dialogschema.Load(data, source)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		return s, nil
	}
	token, err := readToken(tokenFile, false)
	if err != nil {
		return nil, err
	}
	body, err := introspect(ctx, source, token)
	if err != nil {
		return nil, err
	}
	s, err := dialogschema.FromIntrospection(body, source)
	if err != nil {
		return nil, failedErr("%v", err)
	}
	return s, nil
}

// introspect posts the standard introspection query to a GraphQL endpoint
// with the Dialogporten client, and returns the answer's data.
func introspect(ctx context.Context, endpoint, token string) ([]byte, error) {
	if u, err := url.Parse(endpoint); err != nil || u.Host == "" {
		return nil, usageErr("bad URL %s: want http(s)://host/path", endpoint)
	}
	var data json.RawMessage
	dp := dialogporten.New(endpoint, client.StaticToken(token), nil)
	if err := dp.Do(ctx, dialogschema.IntrospectionQuery, "IntrospectionQuery", nil, &data); err != nil {
		return nil, dialogportenErr(fmt.Errorf("%s: %w", endpoint, err))
	}
	return data, nil
}

// readToken reads a bearer token from a file or from $FINPROD_TOKEN. The
// token itself never appears in a message.
func readToken(file string, required bool) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", usageErr("cannot read token file: %v", err)
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", usageErr("token file %s is empty", file)
		}
		return tok, nil
	}
	tok := strings.TrimSpace(os.Getenv(tokenEnv))
	if tok == "" && required {
		return "", usageErr("no token: give --token-file FILE or set %s (a Maskinporten token with scope digdir:dialogporten)", tokenEnv)
	}
	return tok, nil
}
