package main

import (
	"context"
	"os"
	"sync"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/overview"
	"qiwidash/store/search"
	"qiwidash/views/casefile"
	overviewview "qiwidash/views/overview"
	"qiwidash/views/settings"
)

// support wires the Overview mode and the support console over the store
// and the saved profiles, for the whole run: the engine reads every
// profile's clients through the dashboard (each wallet on its own
// scheduler), and what the Overview already told survives profile switches.
type support struct {
	st       *store.Store
	accounts settings.Accounts
	engine   *overview.Engine
	shared   *overviewview.Shared
	bell     func()

	mu     sync.Mutex
	owners *search.Options // the profiles' terminals and shops, read once
}

func newSupport(st *store.Store, accounts settings.Accounts, d *dashboard, thresholds map[qiwiapi.Currency]qiwiapi.Amount) *support {
	s := &support{st: st, accounts: accounts, shared: overviewview.NewShared(),
		bell: func() { _, _ = os.Stdout.WriteString("\a") }}
	s.engine = &overview.Engine{
		Store:      st,
		Profiles:   accounts.Profiles,
		Thresholds: thresholds,
		Clients: func(ctx context.Context, name string) (overview.Clients, error) {
			c, creds, _, err := d.clients(ctx, name)
			if err != nil {
				return overview.Clients{}, err
			}
			return overview.Clients{API: c.API, Wallet: c.Wallet, Agent: c.Agent, Terminal: creds.agentTerminal, Shop: creds.shopID}, nil
		},
	}
	return s
}

// deps are the screens' dependencies for the profile being opened: the
// Overview only when the store holds more than one profile.
func (s *support) deps(ctx context.Context, active string) (*overviewview.Deps, *casefile.Deps) {
	find := &casefile.Deps{Store: s.st, Options: s.options}
	ps, err := s.accounts.Profiles(ctx)
	if err != nil || len(ps) < 2 {
		return nil, find
	}
	return &overviewview.Deps{Engine: s.engine, Shared: s.shared, Bell: s.bell, Active: active}, find
}

// options names whose wallet, terminal or shop a hit is. Terminal and
// shop ids are read from each profile's credentials once per run.
func (s *support) options(ctx context.Context) (search.Options, error) {
	ps, err := s.accounts.Profiles(ctx)
	if err != nil {
		return search.Options{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.owners == nil || len(s.owners.Profiles) != len(ps) {
		o := search.Options{Terminals: map[string]string{}, Shops: map[string]string{}}
		uctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		for _, p := range ps {
			if sess, err := s.accounts.Unlock(uctx, p.Name); err == nil {
				o.Terminals[p.Name], o.Shops[p.Name] = sess.Credentials.AgentID, sess.Credentials.ShopID
			}
		}
		s.owners = &o
	}
	o := *s.owners
	o.Profiles = ps
	return o, nil
}
