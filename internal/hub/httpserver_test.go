package hub

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestReadTimeoutAnswered sends a body too slowly for the server's read
// timeout. The handler's response to the failed read still reaches the
// client, instead of the connection closing without one.
func TestReadTimeoutAnswered(t *testing.T) {
	const read = 300 * time.Millisecond
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(handler, read, slog.New(slog.DiscardHandler))
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("POST /slow HTTP/1.1\r\nHost: %s\r\nContent-Length: 100\r\n\r\n{",
		ln.Addr())
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	// Drip bytes until the server responds. The body never completes.
	go func() {
		for range 20 {
			time.Sleep(read / 3)
			if _, err := io.WriteString(conn, " "); err != nil {
				return
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response to the slow body: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
}
