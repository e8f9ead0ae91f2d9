package cli

import (
	"bufio"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/store"
)

const userHelp = `Usage:
  pinggu user add --login L --name N --role admin|evaluator|liaison|viewer [--scope CODES] [--password-stdin]
  pinggu user list
  pinggu user set --login L [--name N] [--role R] [--scope CODES]
  pinggu user passwd --login L [--password-stdin]
  pinggu user disable --login L
  pinggu user enable --login L
  pinggu user token --login L --name N        (prints a new API token once)
  pinggu user token --login L --revoke ID

Scope is the one unit code of a liaison. An evaluator's scope comes from the
evaluation groups they lead or belong to (pinggu group). Without --password-stdin a random password is
generated and printed once. Disabling an account or changing its password,
role or scope ends its sessions.`

func runUser(e *env, args []string) error {
	fs := newFlags(e, "user", userHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	login := fs.String("login", "", "account login (lowercase letters, digits, . _ -)")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "admin, evaluator, liaison or viewer")
	scope := fs.String("scope", "", "unit codes, comma-separated")
	stdinPw := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	revoke := fs.Int64("revoke", 0, "with token: revoke the token with this ID")
	days := fs.Int("days", 90, "with token: days until the token expires (at most 365)")
	db, err := e.begin(fs, dsn, args, "add", "list", "set", "passwd", "disable", "enable", "token")
	if err != nil {
		return err
	}
	sub := args[0]
	defer db.Close()
	actor := e.actor()
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	password := func(login string) (string, bool, error) {
		if !*stdinPw {
			return auth.RandomPassword(14), true, nil
		}
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" && err != nil {
			return "", false, pinggu.Errorf(pinggu.EInvalid, "cli.password_stdin_empty")
		}
		return line, false, nil
	}
	find := func() (*pinggu.User, error) {
		var u *pinggu.User
		err := db.View(e.ctx, func(tx *store.Tx) (err error) { u, err = tx.UserByLogin(e.ctx, strings.ToLower(*login)); return })
		return u, err
	}
	resolve := func(u *pinggu.User) error {
		return db.View(e.ctx, func(tx *store.Tx) error {
			u.Scope = nil
			for _, code := range splitCodes(*scope) {
				unit, err := tx.UnitByCode(e.ctx, code)
				if err != nil {
					return err
				}
				u.Scope = append(u.Scope, unit.ID)
			}
			return nil
		})
	}

	switch sub {
	case "add":
		u := &pinggu.User{Login: strings.ToLower(*login), Name: *name, Role: pinggu.Role(*role)}
		if p := pinggu.ScopeInputProblem(u.Role, *scope != ""); p != nil {
			return pinggu.Invalid("user.invalid", []pinggu.Problem{*p})
		}
		if err := resolve(u); err != nil {
			return err
		}
		pw, generated, err := password(u.Login)
		if err != nil {
			return err
		}
		if err := auth.CreateUser(e.ctx, db, actor, u, pw, e.policy()); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("cli.user_added", "Login", u.Login, "Role", e.l.Role(u.Role)))
		if generated {
			fmt.Fprintln(e.stdout, e.l.T("cli.password_once", "Password", pw))
		}
	case "list":
		var users []pinggu.User
		if err := db.View(e.ctx, func(tx *store.Tx) (err error) { users, err = tx.Users(e.ctx); return }); err != nil {
			return err
		}
		rows := [][]string{{"ID", "LOGIN", "NAME", "ROLE", "SCOPE", "STATUS"}}
		for _, u := range users {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			rows = append(rows, []string{strconv.FormatInt(u.ID, 10), u.Login, u.Name, string(u.Role), fmt.Sprint(u.Scope), status})
		}
		writeTable(e.stdout, "", rows)
	case "set", "disable", "enable":
		u, err := find()
		if err != nil {
			return err
		}
		if set["name"] {
			u.Name = *name
		}
		if set["role"] {
			u.Role = pinggu.Role(*role)
		}
		if set["scope"] {
			if p := pinggu.ScopeInputProblem(u.Role, *scope != ""); p != nil {
				return pinggu.Invalid("user.invalid", []pinggu.Problem{*p})
			}
			if err := resolve(u); err != nil {
				return err
			}
		}
		if sub != "set" {
			u.Disabled = sub == "disable"
		}
		if err := db.Update(e.ctx, actor, func(tx *store.Tx) error { return tx.UpdateUser(e.ctx, u) }); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("user.saved", "Login", u.Login))
	case "passwd":
		u, err := find()
		if err != nil {
			return err
		}
		pw, generated, err := password(u.Login)
		if err != nil {
			return err
		}
		if err := auth.SetPassword(e.ctx, db, actor, u.ID, pw, e.policy()); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("password.changed"))
		if generated {
			fmt.Fprintln(e.stdout, e.l.T("cli.password_once", "Password", pw))
		}
	case "token":
		u, err := find()
		if err != nil {
			return err
		}
		if *revoke != 0 {
			if err := db.Update(e.ctx, actor, func(tx *store.Tx) error { return tx.RevokeToken(e.ctx, u.ID, *revoke) }); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.l.T("token.revoked"))
			return nil
		}
		if strings.TrimSpace(*name) == "" {
			return pinggu.Invalid("user.invalid", []pinggu.Problem{pinggu.NewProblem(0, "name", "field.required")})
		}
		secret, hash := auth.NewToken()
		var t *store.APIToken
		if err := db.Update(e.ctx, actor, func(tx *store.Tx) (err error) {
			t, err = tx.CreateToken(e.ctx, u.ID, *name, hash, time.Duration(*days)*24*time.Hour)
			return
		}); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("token.created", "Name", *name)+" (ID "+strconv.FormatInt(t.ID, 10)+", "+e.l.T("token.expires", "At", t.ExpiresAt.Format("2006-01-02"))+")")
		fmt.Fprintln(e.stdout, secret)
	default:
		fs.Usage()
		return ExitError{2}
	}
	return nil
}

func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' || r == ';' })
}
