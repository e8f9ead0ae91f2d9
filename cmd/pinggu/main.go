// Command pinggu runs the third-party evaluation system; see the README.
package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"pinggu/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	var exit cli.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.Code)
	}
	if err != nil {
		os.Stderr.WriteString("pinggu: " + err.Error() + "\n")
		os.Exit(1)
	}
}
