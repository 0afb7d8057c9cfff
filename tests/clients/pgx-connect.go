// pgx-connect.go CONNINFO: connect with pgx v4 (pgconn's configTLS) as the
// libpq-style CONNINFO says and print one line, "ok" or "error: <the
// driver's message>". CONNINFO goes to pgx.ParseConfig as it is, less
// hostaddr=ADDR (pgconn 1.11 has no such key): that makes the name HOST
// resolve to ADDR inside this process only (LookupFunc), so the
// certificate is checked against HOST. `pgx-connect --version` prints the
// versions in use; they are set at build time (-ldflags -X main.pgxVersion=..
// -X main.pgconnVersion=..), as GOPATH mode records no module versions.
//
// Built offline from Debian's sources (tests/clients/drivers.sh):
// GO111MODULE=off GOPATH=/usr/share/gocode go build pgx-connect.go
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v4"
)

var pgxVersion, pgconnVersion = "unknown", "unknown"

func main() {
	if len(os.Args) < 2 {
		fmt.Println("error: usage: pgx-connect CONNINFO | --version")
		os.Exit(2)
	}
	if os.Args[1] == "--version" {
		fmt.Printf("pgx %s (pgconn %s, Go %s)\n", pgxVersion, pgconnVersion,
			strings.TrimPrefix(runtime.Version(), "go"))
		return
	}
	var keep []string
	host, addr := "", ""
	for _, w := range strings.Fields(os.Args[1]) {
		switch {
		case strings.HasPrefix(w, "hostaddr="):
			addr = strings.TrimPrefix(w, "hostaddr=")
			continue
		case strings.HasPrefix(w, "host="):
			host = strings.TrimPrefix(w, "host=")
		}
		keep = append(keep, w)
	}
	cfg, err := pgx.ParseConfig(strings.Join(keep, " ") + " connect_timeout=5")
	if err != nil {
		fail(err)
	}
	if addr != "" {
		lookup := cfg.LookupFunc
		cfg.LookupFunc = func(ctx context.Context, name string) ([]string, error) {
			if name == host {
				return []string{addr}, nil
			}
			return lookup(ctx, name)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		fail(err)
	}
	defer conn.Close(context.Background())
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		fail(err)
	}
	fmt.Println("ok")
}

func fail(err error) {
	fmt.Println("error: " + strings.Join(strings.Fields(err.Error()), " "))
	os.Exit(0)
}
