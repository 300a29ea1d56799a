package steps

import (
	"context"

	"github.com/finprod/finprod/target"
)

// svaretGaarTapt makes the mock store the next submission and then close
// the connection without answering.
func (s *scenario) svaretGaarTapt(ctx context.Context) error {
	s.faultOnce = true
	return s.setFaults(ctx, target.Faults{DropShare: 1})
}

// bakenforliggendeFeiler makes the mock answer the next request with
// GLD_023/GLD_1053 before processing it.
func (s *scenario) bakenforliggendeFeiler(ctx context.Context) error {
	s.faultOnce = true
	return s.setFaults(ctx, target.Faults{FailShare: 1})
}
