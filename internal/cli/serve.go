package cli

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"pinggu"

	"pinggu/internal/anchor"
	"pinggu/internal/results"
	"pinggu/internal/store"
	"pinggu/internal/web"
)

const serveHelp = `Usage: pinggu serve [flags]

Runs the web server on the database until interrupted (Ctrl-C or SIGTERM),
then finishes open requests and stops. The first administrator account comes
from 'pinggu user add --role admin'; the server never creates accounts.`

type serveFlags struct {
	db, addr, cert, key, origins *string
	secure                       *bool
	anchorEvery                  *time.Duration
	metricsAddr                  *string
}

func addServeFlags(e *env, name, help string, db func(*flag.FlagSet) *string) (*serveFlags, func([]string) error) {
	fs := newFlags(e, name, help)
	f := &serveFlags{
		db:          db(fs),
		addr:        fs.String("addr", "127.0.0.1:8080", "address to listen on"),
		cert:        fs.String("tls-cert", "", "TLS certificate file (serve HTTPS)"),
		key:         fs.String("tls-key", "", "TLS key file"),
		secure:      fs.Bool("secure-cookies", false, "mark cookies Secure (set when a TLS proxy is in front)"),
		origins:     fs.String("trusted-origins", "", "comma-separated origins allowed to POST, e.g. https://pinggu.example.gov.cn"),
		anchorEvery: fs.Duration("anchor-every", time.Hour, "sign the audit chain's head this often into <anchor key>.anchors/ (0: only with draws, records, reports and exports)"),
		metricsAddr: fs.String("metrics-addr", "", "serve /metrics on this internal address, e.g. 127.0.0.1:9090 (else only with PINGGU_METRICS_TOKEN)"),
	}
	return f, fs.Parse
}

func runServe(e *env, args []string) error {
	f, parse := addServeFlags(e, "serve", serveHelp, func(fs *flag.FlagSet) *string { return dbFlag(e, fs, "pinggu.db") })
	if err := parse(args); err != nil {
		return err
	}
	db, err := e.open(*f.db)
	if err != nil {
		return err
	}
	defer db.Close()
	var users int
	db.View(e.ctx, func(tx *store.Tx) (err error) { users, _, err = tx.CountUsers(e.ctx); return })
	if users == 0 {
		fmt.Fprintln(e.stderr, e.l.T("cli.no_accounts"))
	}
	return serve(e, db, f, nil)
}

// serve runs the server until e.ctx ends. ready, if set, is called with the
// listening address once the socket is open.
func serve(e *env, db *store.DB, f *serveFlags, ready func(addr string)) error {
	var origins []string
	for _, o := range strings.Split(*f.origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	log := e.logger()
	// The audit anchors: signed heads beside the anchor key, at intervals
	// and with every draw, draw record, report and export.
	keyPath := e.anchorKeyPath("", *f.db)
	notary, err := anchor.OpenNotary(keyPath)
	if err != nil {
		log.Error("audit anchor key: the audit chain is not anchored", "path", keyPath, "err", err)
		notary = nil
	}
	s, err := web.New(db, log, web.Config{SecureCookies: *f.secure || *f.cert != "", TrustedOrigins: origins, PasswordPolicy: e.policy(),
		MetricsToken: e.getenv("PINGGU_METRICS_TOKEN"), Notary: notary})
	if err != nil {
		return err
	}
	defer s.Close()
	if *f.metricsAddr != "" {
		mln, err := net.Listen("tcp", *f.metricsAddr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.MetricsHandler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
		log.Info("metrics", "url", "http://"+mln.Addr().String()+"/metrics")
	}
	ln, err := net.Listen("tcp", *f.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: nil}
	scheme := "http"
	if *f.cert != "" {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String() + "/"
	log.Info("serving", "url", url, "db", string(db.Dialect()))
	if ready != nil {
		ready(url)
	}
	if notary != nil && *f.anchorEvery > 0 {
		go anchorEvery(e, db, notary, *f.anchorEvery, log)
	}
	go warmResults(e, db, log)
	errc := make(chan error, 1)
	go func() {
		if *f.cert != "" {
			errc <- srv.ServeTLS(ln, *f.cert, *f.key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-e.ctx.Done():
	}
	log.Info("shutting down")
	if err := web.Shutdown(srv, 15*time.Second); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// anchorEvery signs the audit chain's head at each interval, when it has
// moved, into <key>.anchors/anchor-<seq>.json, until the server stops:
// heads kept outside the database that the chain is checked against
// (pinggu audit verify --anchor).
func anchorEvery(e *env, db *store.DB, n *anchor.Notary, every time.Duration, log *slog.Logger) {
	last := int64(-1)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		var seq int64
		var hash string
		err := db.View(e.ctx, func(tx *store.Tx) (err error) { seq, hash, err = tx.AuditHead(e.ctx); return })
		if err == nil && seq != last {
			if _, err = n.Sign(seq, hash); err == nil {
				last = seq
				log.Info("audit anchored", "seq", seq, "dir", n.Dir())
			}
		}
		if err != nil && e.ctx.Err() == nil {
			log.Error("audit anchor", "err", err)
		}
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// warmResults computes each published campaign's results once at start, in
// the background, so that the first results page does not wait for S5's
// checks (about a second for a city; the outcomes are then kept).
func warmResults(e *env, db *store.DB, log *slog.Logger) {
	var cs []pinggu.Campaign
	if err := db.View(e.ctx, func(tx *store.Tx) (err error) { cs, err = tx.Campaigns(e.ctx); return }); err != nil {
		return
	}
	for i := range cs {
		if !cs[i].State.Frozen() || e.ctx.Err() != nil {
			continue
		}
		start := time.Now()
		err := db.View(e.ctx, func(tx *store.Tx) error {
			in, err := results.Load(e.ctx, tx, &cs[i])
			if err == nil {
				results.Compute(in)
			}
			return err
		})
		if err != nil {
			log.Warn("warm results", "campaign", cs[i].Code, "err", err)
			continue
		}
		log.Info("results ready", "campaign", cs[i].Code, "took", time.Since(start).Round(time.Millisecond))
	}
}
