// tenantdb: a reporting API for a multi-tenant SaaS. Every tenant has its own database, and
// so its own database/sql pool (sql.DB) sized for it: three connections, idle ones closed
// after a minute. Reports are slow queries (0.2-1.5 s); a few large tenants send most of
// them, so at busy moments their requests queue inside database/sql for a free connection
// and are served in turn. The database is an in-process stand-in behind a database/sql
// driver (the service's own, registered as "warehouse").
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ---- the warehouse driver: one connection is one session with the warehouse.

type warehouseDriver struct{ sessions atomic.Int64 }

type warehouseConn struct {
	tenant string
	d      *warehouseDriver
}

type warehouseStmt struct {
	c     *warehouseConn
	query string
}

type warehouseRows struct {
	n, i int
}

func (d *warehouseDriver) Open(dsn string) (driver.Conn, error) {
	time.Sleep(time.Duration(5+rand.Intn(20)) * time.Millisecond) // session handshake
	d.sessions.Add(1)
	return &warehouseConn{tenant: strings.TrimPrefix(dsn, "warehouse://"), d: d}, nil
}

func (c *warehouseConn) Prepare(query string) (driver.Stmt, error) {
	return &warehouseStmt{c: c, query: query}, nil
}
func (c *warehouseConn) Close() error              { c.d.sessions.Add(-1); return nil }
func (c *warehouseConn) Begin() (driver.Tx, error) { return nil, errors.New("read-only warehouse") }

func (s *warehouseStmt) Close() error  { return nil }
func (s *warehouseStmt) NumInput() int { return -1 }
func (s *warehouseStmt) Exec(args []driver.Value) (driver.Result, error) {
	return nil, errors.New("read-only warehouse")
}

// Query scans the tenant's facts: the slow part of a report.
func (s *warehouseStmt) Query(args []driver.Value) (driver.Rows, error) {
	time.Sleep(time.Duration(200+rand.Intn(1300)) * time.Millisecond)
	return &warehouseRows{n: 5 + rand.Intn(20)}, nil
}

func (r *warehouseRows) Columns() []string { return []string{"day", "revenue"} }
func (r *warehouseRows) Close() error      { return nil }
func (r *warehouseRows) Next(dest []driver.Value) error {
	if r.i >= r.n {
		return io.EOF
	}
	dest[0] = int64(r.i)
	dest[1] = float64(rand.Intn(100000)) / 100
	r.i++
	return nil
}

// ---- the reporting API

type tenants struct {
	mu  sync.Mutex
	dbs map[string]*sql.DB
}

// db opens the tenant's pool on its first report.
func (t *tenants) db(name string) (*sql.DB, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if db := t.dbs[name]; db != nil {
		return db, nil
	}
	db, err := sql.Open("warehouse", "warehouse://"+name)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(3)
	db.SetMaxIdleConns(3)
	db.SetConnMaxIdleTime(time.Minute)
	t.dbs[name] = db
	return db, nil
}

type dayRevenue struct {
	day     int64
	revenue float64
}

func (t *tenants) revenueReport(ctx context.Context, tenant string) ([]dayRevenue, error) {
	db, err := t.db(tenant)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT day, SUM(amount) FROM orders GROUP BY day")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dayRevenue
	for rows.Next() {
		var d dayRevenue
		if err := rows.Scan(&d.day, &d.revenue); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (t *tenants) handleReport(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	days, err := t.revenueReport(ctx, r.URL.Query().Get("tenant"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	total := 0.0
	for _, d := range days {
		total += d.revenue
	}
	fmt.Fprintf(w, "%d days, revenue %.2f\n", len(days), total)
}

// analyst is one user of the dashboards: reports for their tenant, one after another.
func analyst(client *http.Client, base, tenant string, done *atomic.Int64) {
	for {
		resp, err := client.Get(base + "/report?tenant=" + tenant)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			done.Add(1)
		}
		time.Sleep(time.Duration(100+rand.Intn(900)) * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	drv := &warehouseDriver{}
	sql.Register("warehouse", drv)
	t := &tenants{dbs: map[string]*sql.DB{}}
	http.HandleFunc("/report", t.handleReport)
	var done atomic.Int64
	go func() {
		time.Sleep(200 * time.Millisecond)
		client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
		base := "http://" + *addr
		// three large tenants with 20 analysts each, and 12 small ones with one each
		for i := 0; i < 60; i++ {
			go analyst(client, base, fmt.Sprintf("acme-%d", i%3), &done)
		}
		for i := 0; i < 12; i++ {
			go func(n int) {
				time.Sleep(time.Duration(rand.Intn(60000)) * time.Millisecond)
				analyst(client, base, fmt.Sprintf("shop-%02d", n), &done)
			}(i)
		}
	}()
	go func() {
		for range time.Tick(20 * time.Second) {
			t.mu.Lock()
			pools := len(t.dbs)
			t.mu.Unlock()
			log.Printf("reports served %d, tenant pools %d, warehouse sessions %d", done.Load(), pools, drv.sessions.Load())
		}
	}()
	log.Printf("tenantdb listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
