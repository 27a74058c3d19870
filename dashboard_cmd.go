package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/demo"
	merchantsb "qiwidash/qiwiapi/sandbox/merchant"
	"qiwidash/qiwiapi/topup"
	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/views/agent"
	"qiwidash/views/live"
	merchantview "qiwidash/views/merchant"
)

// dashboardFlags are the flags of the default command.
type dashboardFlags struct {
	demo     bool
	readOnly bool
	privacy  bool
	baseURL  string
	refresh  time.Duration
}

// credentials are what a profile holds; any part may be empty.
type credentials struct {
	token, wallet                string
	agentTerminal, agentPassword string
	apiID, apiPassword, shopID   string
}

// credentialsFromEnv reads the variables documented for machines without a
// keyring. They are used for this run only and never written anywhere.
func credentialsFromEnv() credentials {
	return credentials{
		token:         os.Getenv("QIWI_TOKEN"),
		agentTerminal: os.Getenv("QIWI_AGENT_ID"), agentPassword: os.Getenv("QIWI_AGENT_PASSWORD"),
		apiID: os.Getenv("QIWI_API_ID"), apiPassword: os.Getenv("QIWI_API_PASSWORD"), shopID: os.Getenv("QIWI_SHOP_ID"),
	}
}

func (c credentials) empty() bool {
	return c.token == "" && c.agentTerminal == "" && c.apiID == ""
}

func runDashboard(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qiwidash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	var f dashboardFlags
	fs.BoolVar(&f.demo, "demo", false, "run against the embedded sandbox, no account needed")
	fs.BoolVar(&f.readOnly, "readonly", false, "hide every action that moves money")
	fs.BoolVar(&f.privacy, "privacy", false, "start with amounts and personal data masked")
	fs.StringVar(&f.baseURL, "base-url", qiwiapi.DefaultBaseURL, "Wallet API base URL")
	fs.DurationVar(&f.refresh, "refresh", 0, "refresh interval (0 = off)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.demo {
		return runDemo(f)
	}
	creds := credentialsFromEnv()
	if creds.empty() {
		return errors.New("no credentials: run 'qiwidash login', set QIWI_TOKEN (and/or QIWI_AGENT_ID, QIWI_API_ID), or try 'qiwidash --demo'")
	}
	return runProgram(f, creds, "", os.TempDir(), topup.DefaultURL, pull.DefaultBaseURL)
}

// runDemo starts the three sandboxes in-process, a local receiver for what
// they push, and logs in every mode with in-memory credentials. Nothing is
// written outside a temp dir; no keyring is used.
func runDemo(f dashboardFlags) error {
	dir, err := os.MkdirTemp("", "qiwidash-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	events := live.NewFeed()
	defer events.Close()
	hookKey := &live.WebhookKey{}
	recvURL, stopRecv, err := live.StartReceiver("127.0.0.1:0", events.Config(notify.Config{
		VerifyWebhook:  hookKey.Verify,
		ShopID:         merchantsb.DemoShopID(),
		NotifyPassword: merchantsb.DemoNotifyPassword(),
	}))
	if err != nil {
		return fmt.Errorf("starting the demo receiver: %w", err)
	}
	defer stopRecv()

	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 1, CallbackURL: recvURL + notify.DefaultBillPath, Live: true})
	if err != nil {
		return fmt.Errorf("starting the demo sandbox: %w", err)
	}
	defer sb.Close()
	cr := sb.Creds
	creds := credentials{
		token: cr.WalletToken, wallet: cr.Wallet,
		agentTerminal: cr.AgentTerminal, agentPassword: cr.AgentPassword,
		apiID: cr.MerchantAPIID, apiPassword: cr.MerchantPassword, shopID: cr.MerchantShopID,
	}
	f.baseURL = sb.URL
	c, err := newCommon(f, creds, dir, sb.URL, sb.URL)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := live.RegisterWebhook(ctx, c.API, recvURL+notify.DefaultWebhookPath, hookKey); err != nil {
		return fmt.Errorf("registering the demo webhook: %s", common.Explain(err))
	}
	deps := demoDeps()
	deps.events, deps.receiverURL = events, recvURL
	// Show a low-balance warning in the demo: the USD agent account is below it.
	deps.agent.Thresholds = map[qiwiapi.Currency]qiwiapi.Amount{qiwiapi.USD: {Minor: 2_000_000, Currency: qiwiapi.USD}}
	return runUI(f, c, deps, "DEMO")
}

// demoDeps keeps everything in memory.
func demoDeps() screenDeps {
	return screenDeps{
		agent:    agent.Deps{Journal: agent.NewMemoryJournal(), Samples: agent.NewMemorySamples(), Refresh: agent.DefaultRefresh},
		merchant: merchantview.Deps{Bills: merchantview.NewMemoryBills()},
	}
}

// newCommon builds the clients the credentials allow and the shared UI state.
func newCommon(f dashboardFlags, creds credentials, saveDir, agentURL, merchantURL string) (*common.Common, error) {
	c := &common.Common{
		Styles:   common.NewStyles(common.DefaultTheme()),
		Keys:     common.DefaultKeys(),
		Settings: &common.Settings{Privacy: f.privacy, ReadOnly: f.readOnly},
		Now:      time.Now,
		SaveDir:  saveDir,
		IDs:      qiwiapi.NewIDGenerator(0, time.Now),
	}
	if creds.token != "" {
		api, err := qiwiapi.NewClient(creds.token, qiwiapi.WithBaseURL(f.baseURL), qiwiapi.WithUserAgent("qiwidash/0.1"))
		if err != nil {
			return nil, err
		}
		c.API, c.Wallet = api, creds.wallet
		if c.Wallet == "" {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			p, _, err := api.Profile.Current(ctx, qiwiapi.ProfileOptions{SkipContractInfo: true, SkipUserInfo: true})
			if err != nil {
				return nil, fmt.Errorf("reading the wallet number: %s", common.Explain(err))
			}
			c.Wallet = p.Wallet()
		}
	}
	if creds.agentTerminal != "" {
		opts := []topup.Option{topup.WithPassword(topup.NewPassword(creds.agentPassword)), topup.WithBaseURL(agentURL), topup.WithSandboxPolling(2 * time.Second)}
		ag, err := topup.NewClient(creds.agentTerminal, opts...)
		if err != nil {
			return nil, err
		}
		c.Agent = ag
	}
	if creds.apiID != "" {
		m, err := pull.NewClient(pull.Credentials{APIID: creds.apiID, APIPassword: creds.apiPassword, ShopID: creds.shopID}, pull.WithBaseURL(merchantURL))
		if err != nil {
			return nil, err
		}
		c.Merchant, c.MerchantShopID = m, creds.shopID
	}
	return c, nil
}

func runProgram(f dashboardFlags, creds credentials, badge, saveDir, agentURL, merchantURL string) error {
	c, err := newCommon(f, creds, saveDir, agentURL, merchantURL)
	if err != nil {
		return err
	}
	return runUI(f, c, demoDeps(), badge)
}

func runUI(f dashboardFlags, c *common.Common, deps screenDeps, badge string) error {
	root := ui.New(c, buildScreens(c, deps), ui.Options{Badge: badge, RefreshInterval: f.refresh})
	_, err := tea.NewProgram(root, tea.WithAltScreen(), tea.WithReportFocus()).Run()
	return err
}
