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
	"pinggu/internal/tabular"
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

// userCmd is one run of pinggu user: its flags and database, with a
// method per verb.
type userCmd struct {
	e                        *env
	db                       *store.DB
	actor                    store.Actor
	login, name, role, scope *string
	stdinPw                  *bool
	revoke                   *int64
	days                     *int
	set                      map[string]bool
}

func runUser(e *env, args []string) error {
	fs := newFlags(e, "user", userHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	c := &userCmd{e: e, actor: e.actor(), set: map[string]bool{},
		login:   fs.String("login", "", "account login (lowercase letters, digits, . _ -)"),
		name:    fs.String("name", "", "display name"),
		role:    fs.String("role", "", "admin, evaluator, liaison or viewer"),
		scope:   fs.String("scope", "", "unit codes, comma-separated"),
		stdinPw: fs.Bool("password-stdin", false, "read the password from the first line of stdin"),
		revoke:  fs.Int64("revoke", 0, "with token: revoke the token with this ID"),
		days:    fs.Int("days", 90, "with token: days until the token expires (at most 365)"),
	}
	db, err := e.begin(fs, dsn, args, "add", "list", "set", "passwd", "disable", "enable", "token")
	if err != nil {
		return err
	}
	defer db.Close()
	c.db = db
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	switch args[0] {
	case "add":
		return c.add()
	case "list":
		return c.list()
	case "set", "disable", "enable":
		return c.update(args[0])
	case "passwd":
		return c.passwd()
	case "token":
		return c.token()
	}
	fs.Usage()
	return ExitError{2}
}

// password is the new password: the first line of stdin, or a random one
// (generated: printed once).
func (c *userCmd) password() (pw string, generated bool, err error) {
	if !*c.stdinPw {
		return auth.RandomPassword(14), true, nil
	}
	line, err := bufio.NewReader(c.e.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" && err != nil {
		return "", false, pinggu.Errorf(pinggu.EInvalid, "cli.password_stdin_empty")
	}
	return line, false, nil
}

func (c *userCmd) find() (*pinggu.User, error) {
	var u *pinggu.User
	err := c.db.View(c.e.ctx, func(tx *store.Tx) (err error) { u, err = tx.UserByLogin(c.e.ctx, strings.ToLower(*c.login)); return })
	return u, err
}

// resolve sets u's scope from --scope's unit codes.
func (c *userCmd) resolve(u *pinggu.User) error {
	return c.db.View(c.e.ctx, func(tx *store.Tx) error {
		u.Scope = nil
		for _, code := range splitCodes(*c.scope) {
			unit, err := tx.UnitByCode(c.e.ctx, code)
			if err != nil {
				return err
			}
			u.Scope = append(u.Scope, unit.ID)
		}
		return nil
	})
}

func (c *userCmd) add() error {
	e := c.e
	u := &pinggu.User{Login: strings.ToLower(*c.login), Name: *c.name, Role: pinggu.Role(*c.role)}
	if p := pinggu.ScopeInputProblem(u.Role, *c.scope != ""); p != nil {
		return pinggu.Invalid("user.invalid", []pinggu.Problem{*p})
	}
	if err := c.resolve(u); err != nil {
		return err
	}
	pw, generated, err := c.password()
	if err != nil {
		return err
	}
	if err := auth.CreateUser(e.ctx, c.db, c.actor, u, pw, e.policy()); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("cli.user_added", "Login", u.Login, "Role", e.l.Role(u.Role)))
	if generated {
		fmt.Fprintln(e.stdout, e.l.T("cli.password_once", "Password", pw))
	}
	return nil
}

func (c *userCmd) list() error {
	e := c.e
	var users []pinggu.User
	if err := c.db.View(e.ctx, func(tx *store.Tx) (err error) { users, err = tx.Users(e.ctx); return }); err != nil {
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
	tabular.WriteColumns(e.stdout, "", rows)
	return nil
}

// update is set, disable and enable.
func (c *userCmd) update(verb string) error {
	e := c.e
	u, err := c.find()
	if err != nil {
		return err
	}
	if c.set["name"] {
		u.Name = *c.name
	}
	if c.set["role"] {
		u.Role = pinggu.Role(*c.role)
	}
	if c.set["scope"] {
		if p := pinggu.ScopeInputProblem(u.Role, *c.scope != ""); p != nil {
			return pinggu.Invalid("user.invalid", []pinggu.Problem{*p})
		}
		if err := c.resolve(u); err != nil {
			return err
		}
	}
	if verb != "set" {
		u.Disabled = verb == "disable"
	}
	if err := c.db.Update(e.ctx, c.actor, func(tx *store.Tx) error { return tx.UpdateUser(e.ctx, u) }); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("user.saved", "Login", u.Login))
	return nil
}

func (c *userCmd) passwd() error {
	e := c.e
	u, err := c.find()
	if err != nil {
		return err
	}
	pw, generated, err := c.password()
	if err != nil {
		return err
	}
	if err := auth.SetPassword(e.ctx, c.db, c.actor, u.ID, pw, e.policy()); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("password.changed"))
	if generated {
		fmt.Fprintln(e.stdout, e.l.T("cli.password_once", "Password", pw))
	}
	return nil
}

func (c *userCmd) token() error {
	e := c.e
	u, err := c.find()
	if err != nil {
		return err
	}
	if *c.revoke != 0 {
		if err := c.db.Update(e.ctx, c.actor, func(tx *store.Tx) error { return tx.RevokeToken(e.ctx, u.ID, *c.revoke) }); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("token.revoked"))
		return nil
	}
	if strings.TrimSpace(*c.name) == "" {
		return pinggu.Invalid("user.invalid", []pinggu.Problem{pinggu.NewProblem(0, "name", "field.required")})
	}
	secret, hash := auth.NewToken()
	var t *store.APIToken
	if err := c.db.Update(e.ctx, c.actor, func(tx *store.Tx) (err error) {
		t, err = tx.CreateToken(e.ctx, u.ID, *c.name, hash, time.Duration(*c.days)*24*time.Hour)
		return
	}); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("token.created", "Name", *c.name)+" (ID "+strconv.FormatInt(t.ID, 10)+", "+e.l.T("token.expires", "At", t.ExpiresAt.Format("2006-01-02"))+")")
	fmt.Fprintln(e.stdout, secret)
	return nil
}

func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' || r == ';' })
}
