// Package cli is pinggu's command line: one file per subcommand, each with
// its own flag set and help. Run is the whole program; main only calls it.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database

	"pinggu"
	"pinggu/internal/i18n"
	"pinggu/internal/store"
)

// env is what every subcommand gets.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	l      *i18n.Localizer
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server on a database", runServe},
		{"demo", "create (or reuse) the demo city and serve it", runDemo},
		{"import", "import units from CSV or XLSX: import units [--dry-run] FILE", runImport},
		{"export", "export units: export units --format csv|xlsx [--out FILE]", runExport},
		{"user", "manage accounts: user add|list|set|passwd|disable|enable|token", runUser},
		{"campaign", "campaigns: campaign list|create|show|set|publish|advance", runCampaign},
		{"framework", "indicator frameworks: framework list|export|import", runFramework},
		{"group", "evaluation groups: group list|create|assign|add-member", runGroup},
		{"frames", "sampling frames: frames freeze|export", runFrames},
		{"seed", "commit–reveal seeds: seed commitment|commit|reveal|show", runSeed},
		{"draw", "the public draws: draw units|respondents|interviewees|replace|record", runDraw},
		{"roster", "rosters of sampled units: roster upload|freeze|list|purge", runRoster},
		{"codes", "one-time survey codes: codes issue", runCodes},
		{"selfcheck", "self-assessments: selfcheck export --campaign C --out DIR", runSelfCheck},
		{"hearing", "hearing records: hearing list --campaign C [--unit U] [--json]", runHearing},
		{"verify", "recompute a draw from its record and frames: verify RECORD.json FRAMES", runVerify},
		{"bench", "measure survey intake over loopback: bench survey [--n N] [--c C] [--duration D]", runBench},
		{"report", "evaluation reports: report build --campaign C (--unit U | --all) --format docx|xlsx|html --out DIR; report check", runReport},
		{"audit", "check or list the audit log: audit verify|list", runAudit},
		{"version", "print the version", runVersion},
	}
}

// Version is set at build time with -ldflags "-X pinggu/internal/cli.Version=…".
var Version = "dev"

// ExitError carries a specific exit status.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Run runs pinggu with args (without the program name).
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	e := &env{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, l: cat.For(getenv("PINGGU_LANG"))}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return ExitError{2}
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(e, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			if err != nil {
				var exit ExitError
				if !errors.As(err, &exit) {
					e.printError(err)
					return ExitError{1}
				}
			}
			return err
		}
	}
	fmt.Fprintf(stderr, "pinggu: unknown command %q\n\n", args[0])
	usage(stderr)
	return ExitError{2}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "pinggu (评估) — third-party evaluation of a theme-education campaign")
	fmt.Fprintln(w, "\nUsage: pinggu COMMAND [flags]   (pinggu COMMAND -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEnvironment: PINGGU_DB (database: SQLite file or postgres:// DSN), PINGGU_LANG (zh-CN or en),\n  PINGGU_PASSWORD_MIN_LENGTH (default 10), PINGGU_ANCHOR_KEY (the audit anchor key file),\n  PINGGU_KEYS (the survey key file; default beside the SQLite file, or pinggu.keys),\n  PINGGU_METRICS_TOKEN (bearer token that opens /metrics)")
}

// printError writes err in the user's language, with every located problem.
func (e *env) printError(err error) {
	pe := pinggu.AsError(err)
	if pe.Code == pinggu.EInternal {
		fmt.Fprintf(e.stderr, "%s: %v\n", e.l.T("error.internal"), err)
		return
	}
	fmt.Fprintln(e.stderr, e.l.Error(pe))
	for _, p := range pe.Problems {
		fmt.Fprintln(e.stderr, "  "+e.l.Problem(p))
	}
}

// newFlags returns a flag set whose -h prints help text and the flags.
func newFlags(e *env, name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet("pinggu "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "%s\n\nFlags:\n", strings.TrimSpace(help))
		fs.PrintDefaults()
	}
	return fs
}

// verb checks that args start with one of the subcommand's verbs; -h
// prints the help.
func verb(fs *flag.FlagSet, args []string, verbs ...string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fs.Usage()
		return flag.ErrHelp
	}
	for _, v := range verbs {
		if len(args) > 0 && args[0] == v {
			return nil
		}
	}
	fs.Usage()
	return ExitError{2}
}

// begin checks the verb, parses the flags after it and opens the database:
// the opening of every subcommand that has verbs.
func (e *env) begin(fs *flag.FlagSet, dsn *string, args []string, verbs ...string) (*store.DB, error) {
	if err := verb(fs, args, verbs...); err != nil {
		return nil, err
	}
	if err := fs.Parse(args[1:]); err != nil {
		return nil, err
	}
	return e.open(*dsn)
}

// dbFlag adds --db with PINGGU_DB or def as its default.
func dbFlag(e *env, fs *flag.FlagSet, def string) *string {
	if v := e.getenv("PINGGU_DB"); v != "" {
		def = v
	}
	return fs.String("db", def, "database: a SQLite file path, or a postgres:// DSN (env PINGGU_DB)")
}

func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func (e *env) open(dsn string) (*store.DB, error) {
	db, err := store.Open(e.ctx, dsn, store.Options{Log: e.logger(), Keys: e.getenv("PINGGU_KEYS")})
	if err != nil {
		return nil, pinggu.Internal(err)
	}
	return db, nil
}

// policy is the password policy: DefaultPasswordPolicy, with the minimum
// length raised (never lowered below 8) by PINGGU_PASSWORD_MIN_LENGTH.
func (e *env) policy() pinggu.PasswordPolicy {
	p := pinggu.DefaultPasswordPolicy
	if n, err := strconv.Atoi(e.getenv("PINGGU_PASSWORD_MIN_LENGTH")); err == nil && n >= 8 {
		p.MinLength = n
	}
	return p
}

// cliActor names the person at the terminal in the audit log.
func (e *env) actor() store.Actor {
	who := e.getenv("USER")
	if who == "" {
		who = "unknown"
	}
	return store.Actor{Login: "cli:" + who}
}

func runVersion(e *env, args []string) error {
	fmt.Fprintln(e.stdout, "pinggu", Version)
	return nil
}
