// pq-connect.go CONNINFO: connect with lib/pq (its ssl.go) as the
// libpq-style CONNINFO says and print one line, "ok" or "error: <the
// driver's message>". CONNINFO goes to pq.NewConnector as it is, less
// hostaddr=ADDR (lib/pq has no such key): a Dialer sends connections for
// the name HOST to ADDR inside this process only, so the certificate is
// checked against HOST. `pq-connect --version` prints the versions in use;
// lib/pq's is set at build time (-ldflags -X main.pqVersion=..), as GOPATH
// mode records no module versions.
//
// Built offline from Debian's sources (tests/clients/drivers.sh):
// GO111MODULE=off GOPATH=/usr/share/gocode go build pq-connect.go
package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/lib/pq"
)

var pqVersion = "unknown"

// dialer: host's connections go to addr
type dialer struct {
	host, addr string
	d          net.Dialer
}

func (d *dialer) target(address string) string {
	h, p, err := net.SplitHostPort(address)
	if err == nil && d.addr != "" && h == d.host {
		return net.JoinHostPort(d.addr, p)
	}
	return address
}

func (d *dialer) Dial(network, address string) (net.Conn, error) {
	return d.d.Dial(network, d.target(address))
}

func (d *dialer) DialTimeout(network, address string, t time.Duration) (net.Conn, error) {
	return net.DialTimeout(network, d.target(address), t)
}

func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return d.d.DialContext(ctx, network, d.target(address))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Println("error: usage: pq-connect CONNINFO | --version")
		os.Exit(2)
	}
	if os.Args[1] == "--version" {
		fmt.Printf("lib/pq %s (Go %s)\n", pqVersion, strings.TrimPrefix(runtime.Version(), "go"))
		return
	}
	var keep []string
	d := &dialer{}
	for _, w := range strings.Fields(os.Args[1]) {
		switch {
		case strings.HasPrefix(w, "hostaddr="):
			d.addr = strings.TrimPrefix(w, "hostaddr=")
			continue
		case strings.HasPrefix(w, "host="):
			d.host = strings.TrimPrefix(w, "host=")
		}
		keep = append(keep, w)
	}
	c, err := pq.NewConnector(strings.Join(keep, " ") + " connect_timeout=5")
	if err != nil {
		fail(err)
	}
	c.Dialer(d)
	db := sql.OpenDB(c)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var one int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		fail(err)
	}
	fmt.Println("ok")
}

func fail(err error) {
	fmt.Println("error: " + strings.Join(strings.Fields(err.Error()), " "))
	os.Exit(0)
}
