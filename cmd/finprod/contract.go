package main

import (
	"bytes"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/jsontree"
	"github.com/spf13/cobra"
)

func newContractCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contract",
		Short: "Show the contract finprod tests against",
		Long: `Show the contract finprod tests against: the embedded OpenAPI document (with the JSON
Schema of a leveranse), the GLD error catalogue, and the documented example payload.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "openapi",
		Short: "Print the embedded OpenAPI document (YAML)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(contract.OpenAPI())
			return err
		},
	}, &cobra.Command{
		Use:   "codes",
		Short: "List the GLD error codes with HTTP status and Norwegian text",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "KODE\tSTATUS\tUNDER\tFEILOMRÅDE")
			for _, e := range contract.Catalogue() {
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", e.Kode, e.Status, e.Hovedkode, e.Omraade)
			}
			return w.Flush()
		},
	}, &cobra.Command{
		Use:   "example",
		Short: "Print the service page's example submission",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(contract.Eksempel())
			return err
		},
	}, &cobra.Command{
		Use:   "validate FILE",
		Short: "Validate a submission file against the contract's schema",
		Long: `Validate a submission file against the contract's schema: one JSON document, or one
per line (NDJSON, as finprod generate writes more than one leveranse to a file).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, err := os.ReadFile(args[0])
			if err != nil {
				return usageErr("cannot read %s: %v", args[0], err)
			}
			docs, err := submissions(body)
			if err != nil {
				return failedErr("%s is not valid JSON (GLD_008): %v", args[0], err)
			}
			violations := 0
			for _, d := range docs {
				for _, v := range contract.Default().ValidateInnsending(d.doc) {
					fmt.Fprintf(cmd.OutOrStdout(), "%s%s: %s (given %q)\n", d.where, v.Sti, v.Melding, v.AngittVerdi)
					violations++
				}
			}
			if violations > 0 {
				return failedErr("%s has %d schema violation(s) (GLD_010)", args[0], violations)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (%d leveranse(r)) is valid against %s\n", args[0], len(docs), contract.Default().Source())
			return nil
		},
	})
	return cmd
}

// submission is one decoded document of a file, and where it is ("" for a
// file that is one document, "line N: " in NDJSON).
type submission struct {
	where string
	doc   any
}

// submissions reads a file as one JSON document or, when that fails and
// every non-empty line is a document of its own, as NDJSON.
func submissions(body []byte) ([]submission, error) {
	doc, _, err := jsontree.DecodeStrict(body)
	if err == nil {
		return []submission{{doc: doc}}, nil
	}
	var out []submission
	for i, line := range bytes.Split(body, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		d, _, lerr := jsontree.DecodeStrict(line)
		if lerr != nil {
			return nil, err // not NDJSON either: the whole file's error says most
		}
		out = append(out, submission{where: fmt.Sprintf("line %d: ", i+1), doc: d})
	}
	if len(out) < 2 {
		return nil, err
	}
	return out, nil
}
