package cli

import (
	"fmt"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
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

// groupCmd is one run of pinggu group: its flags and database, with a
// method per verb.
type groupCmd struct {
	e                                           *env
	db                                          *store.DB
	campaign, name, leader, group, units, login *string
}

func runGroup(e *env, args []string) error {
	fs := newFlags(e, "group", groupHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	c := &groupCmd{e: e,
		campaign: fs.String("campaign", "", "campaign code"),
		name:     fs.String("name", "", "group name, for create"),
		leader:   fs.String("leader", "", "leader's login"),
		group:    fs.String("group", "", "group name or ID"),
		units:    fs.String("units", "", "unit codes, comma-separated"),
		login:    fs.String("login", "", "member's login"),
	}
	db, err := e.begin(fs, dsn, args, "list", "create", "assign", "add-member")
	if err != nil {
		return err
	}
	defer db.Close()
	c.db = db
	if args[0] == "list" {
		return c.list()
	}
	var saved *pinggu.Group
	err = db.Update(e.ctx, e.actor(), func(tx *store.Tx) error {
		cp, err := tx.CampaignByCode(e.ctx, *c.campaign)
		if err != nil {
			return err
		}
		switch args[0] {
		case "create":
			saved, err = c.create(tx, cp)
		case "assign":
			saved, err = c.assign(tx, cp)
		case "add-member":
			saved, err = c.addMember(tx, cp)
		}
		return err
	})
	if err != nil {
		return err
	}
	if saved != nil {
		fmt.Fprintln(e.stdout, e.l.T("group.saved", "Name", saved.Name))
	}
	return nil
}

// user is the ID of the account with login l.
func (c *groupCmd) user(tx *store.Tx, l string) (int64, error) {
	u, err := tx.UserByLogin(c.e.ctx, l)
	if err != nil {
		return 0, pinggu.Invalid("group.invalid", []pinggu.Problem{pinggu.NewProblem(0, "members", "user.login_not_found", "Login", l)})
	}
	return u.ID, nil
}

// find is the group --group names, by ID or name, in campaign cp.
func (c *groupCmd) find(tx *store.Tx, cp *pinggu.Campaign) (*pinggu.Group, error) {
	if id, err := strconv.ParseInt(*c.group, 10, 64); err == nil {
		return tx.GroupOf(c.e.ctx, cp.ID, id) // a group of another campaign is refused
	}
	groups, err := tx.Groups(c.e.ctx, cp.ID)
	if err != nil {
		return nil, err
	}
	for i := range groups {
		if groups[i].Name == *c.group {
			return &groups[i], nil
		}
	}
	return nil, pinggu.Errorf(pinggu.ENotFound, "group.not_found")
}

func (c *groupCmd) list() error {
	e := c.e
	return c.db.View(e.ctx, func(tx *store.Tx) error {
		cp, err := tx.CampaignByCode(e.ctx, *c.campaign)
		if err != nil {
			return err
		}
		groups, err := tx.Groups(e.ctx, cp.ID)
		if err != nil {
			return err
		}
		rows := [][]string{{"ID", "NAME", "LEADER", "MEMBERS", "UNITS"}}
		for _, g := range groups {
			var names []string
			for _, id := range g.Units {
				if u, err := tx.Unit(e.ctx, id); err == nil {
					names = append(names, u.Name)
				}
			}
			leaderName := ""
			if u, err := tx.User(e.ctx, g.LeaderID); err == nil {
				leaderName = u.Login
			}
			rows = append(rows, []string{strconv.FormatInt(g.ID, 10), g.Name, leaderName, strconv.Itoa(len(g.Members)), strings.Join(names, "、")})
		}
		tabular.WriteColumns(e.stdout, "", rows)
		return nil
	})
}

func (c *groupCmd) create(tx *store.Tx, cp *pinggu.Campaign) (*pinggu.Group, error) {
	g := &pinggu.Group{CampaignID: cp.ID, Name: *c.name}
	if *c.leader != "" {
		var err error
		if g.LeaderID, err = c.user(tx, *c.leader); err != nil {
			return nil, err
		}
	}
	return g, tx.CreateGroup(c.e.ctx, g)
}

func (c *groupCmd) assign(tx *store.Tx, cp *pinggu.Campaign) (*pinggu.Group, error) {
	g, err := c.find(tx, cp)
	if err != nil {
		return nil, err
	}
	for _, code := range splitCodes(*c.units) {
		u, err := tx.UnitByCode(c.e.ctx, code)
		if err != nil {
			return nil, err
		}
		g.Units = append(g.Units, u.ID)
	}
	return g, tx.UpdateGroup(c.e.ctx, g)
}

func (c *groupCmd) addMember(tx *store.Tx, cp *pinggu.Campaign) (*pinggu.Group, error) {
	g, err := c.find(tx, cp)
	if err != nil {
		return nil, err
	}
	id, err := c.user(tx, *c.login)
	if err != nil {
		return nil, err
	}
	g.Members = append(g.Members, id)
	return g, tx.UpdateGroup(c.e.ctx, g)
}
