// Command finprod is a contract and load test harness for Skatteetaten's
// "Innrapportering finansprodukter" API (RF-1301).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal asks the command to stop and write what it has;
		// after it, a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	os.Exit(exitCode(err))
}

// Exit codes a CI system can branch on.
const (
	exitOK = 0
	// exitFailed: the run worked, and what it checked failed (a scenario, a threshold).
	exitFailed = 1
	// exitUsage: the user asked for something that cannot be done (bad flag, bad file, bad config).
	exitUsage = 2
	// exitUnreachable: a target or a credential did not work (network, token, TLS).
	exitUnreachable = 3
	// exitSLO: a load run worked, and an SLO gate failed.
	exitSLO = 4
	// exitInterrupted: stopped by SIGINT/SIGTERM (128 + SIGINT's number, as shells do).
	exitInterrupted = 130
)

// exitError carries an exit code with a message that is already clear to a user.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

func failedErr(format string, a ...any) error {
	return &exitError{code: exitFailed, err: fmt.Errorf(format, a...)}
}

func unreachableErr(format string, a ...any) error {
	return &exitError{code: exitUnreachable, err: fmt.Errorf(format, a...)}
}

func sloErr(format string, a ...any) error {
	return &exitError{code: exitSLO, err: fmt.Errorf(format, a...)}
}

func interruptedErr(format string, a ...any) error {
	return &exitError{code: exitInterrupted, err: fmt.Errorf(format, a...)}
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(os.Stderr, "finprod:", err)
	return exitCodeOf(err)
}

// exitCodeOf is the exit code for err, without printing it.
func exitCodeOf(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitUsage
}
