package cmd

import "fmt"

// Exit codes, as diff(1) and kubectl diff.
const (
	CodeClean = 0
	CodeDrift = 1
	CodeError = 2
)

// ExitError carries a command's exit code to main. Err may be nil when the
// command already reported everything (a drift report, for instance).
type ExitError struct {
	Err  error
	Code int
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// failf returns an ExitError with code 2.
func failf(format string, args ...any) *ExitError {
	return &ExitError{Err: fmt.Errorf(format, args...), Code: CodeError}
}
