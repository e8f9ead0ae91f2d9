package cli

import (
	"fmt"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/store"
)

const groupHelp = `Usage:
  pinggu group list --campaign C
  pinggu group create --campaign C --name N [--leader LOGIN]
  pinggu group assign --campaign C --group G --units CODES
  pinggu group add-member --campaign C --group G --login LOGIN

G is the group's name within the campaign, or its numeric ID. A county or
municipal unit is evaluated by one group per campaign; the leader and members
are evaluator accounts, and an evaluator sees exactly what their groups are
assigned.`

func runGroup(e *env, args []string) error {
	fs := newFlags(e, "group", groupHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	campaign := fs.String("campaign", "", "campaign code")
	name := fs.String("name", "", "group name, for create")
	leader := fs.String("leader", "", "leader's login")
	group := fs.String("group", "", "group name or ID")
	units := fs.String("units", "", "unit codes, comma-separated")
	login := fs.String("login", "", "member's login")
	db, err := e.begin(fs, dsn, args, "list", "create", "assign", "add-member")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := e.ctx
	var saved *pinggu.Group
	err = db.Update(ctx, e.actor(), func(tx *store.Tx) error {
		c, err := tx.CampaignByCode(ctx, *campaign)
		if err != nil {
			return err
		}
		user := func(l string) (int64, error) {
			u, err := tx.UserByLogin(ctx, l)
			if err != nil {
				return 0, pinggu.Invalid("group.invalid", []pinggu.Problem{pinggu.NewProblem(0, "members", "user.login_not_found", "Login", l)})
			}
			return u.ID, nil
		}
		find := func() (*pinggu.Group, error) {
			if id, err := strconv.ParseInt(*group, 10, 64); err == nil {
				return tx.GroupOf(ctx, c.ID, id) // a group of another campaign is refused
			}
			groups, err := tx.Groups(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			for i := range groups {
				if groups[i].Name == *group {
					return &groups[i], nil
				}
			}
			return nil, pinggu.Errorf(pinggu.ENotFound, "group.not_found")
		}
		switch args[0] {
		case "list":
			groups, err := tx.Groups(ctx, c.ID)
			if err != nil {
				return err
			}
			rows := [][]string{{"ID", "NAME", "LEADER", "MEMBERS", "UNITS"}}
			for _, g := range groups {
				var names []string
				for _, id := range g.Units {
					if u, err := tx.Unit(ctx, id); err == nil {
						names = append(names, u.Name)
					}
				}
				leaderName := ""
				if u, err := tx.User(ctx, g.LeaderID); err == nil {
					leaderName = u.Login
				}
				rows = append(rows, []string{strconv.FormatInt(g.ID, 10), g.Name, leaderName, strconv.Itoa(len(g.Members)), strings.Join(names, "、")})
			}
			writeTable(e.stdout, "", rows)
			return nil
		case "create":
			g := &pinggu.Group{CampaignID: c.ID, Name: *name}
			if *leader != "" {
				if g.LeaderID, err = user(*leader); err != nil {
					return err
				}
			}
			saved = g
			return tx.CreateGroup(ctx, g)
		case "assign":
			g, err := find()
			if err != nil {
				return err
			}
			for _, code := range splitCodes(*units) {
				u, err := tx.UnitByCode(ctx, code)
				if err != nil {
					return err
				}
				g.Units = append(g.Units, u.ID)
			}
			saved = g
			return tx.UpdateGroup(ctx, g)
		case "add-member":
			g, err := find()
			if err != nil {
				return err
			}
			id, err := user(*login)
			if err != nil {
				return err
			}
			g.Members = append(g.Members, id)
			saved = g
			return tx.UpdateGroup(ctx, g)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if saved != nil {
		fmt.Fprintln(e.stdout, e.l.T("group.saved", "Name", saved.Name))
	}
	return nil
}
