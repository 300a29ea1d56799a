package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/finprod/finprod/smoke"
	"github.com/spf13/cobra"
)

func newRunCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the whole acceptance suite against the embedded mock (make run)",
		Long: `Start the local mock in-process on a free loopback port and, as a quick smoke check, submit the
service page's example leveranse with a fresh idempotencyKey, submit it again with the same key, and
check that the first answer is a receipt, that the replay is byte-identical and that exactly one
forsendelse was stored (written as JSON to OUT/run.json). Then run every acceptance feature against
an in-process mock, as 'finprod test' does, with JUnit XML and Cucumber JSON under OUT.
Exit 0 when everything passed, 1 if not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return usageErr("cannot create output folder %s: %v", out, err)
			}
			sum, err := smoke.Run(cmd.Context(), cmd.OutOrStdout())
			var ue *smoke.UnreachableError
			if errors.As(err, &ue) {
				return unreachableErr("%v", ue)
			}
			if err != nil {
				return err
			}
			b, err := json.MarshalIndent(sum, "", "  ")
			if err != nil {
				return fmt.Errorf("run summary: %w", err)
			}
			path := filepath.Join(out, "run.json")
			if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
				return usageErr("cannot write %s: %v", path, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Summary written to %s\n", path)
			if !sum.OK {
				return failedErr("run failed: %d of %d checks failed", sum.Failed(), len(sum.Checks))
			}
			return runFullSuite(cmd, out)
		},
	}
	cmd.Flags().StringVar(&out, "out", "out", "folder for everything the run writes")
	return cmd
}
