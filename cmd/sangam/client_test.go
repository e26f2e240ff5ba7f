package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// TestWaitRepliesReadsEveryPage serves the replies to a message in
// three pages, as a hub does when they outnumber the page limit, and
// checks that waitReplies returns all of them in order.
func TestWaitRepliesReadsEveryPage(t *testing.T) {
	pages := map[string]string{
		"":    `{"messages": [{"message_id": "m-1"}, {"message_id": "m-2"}], "next": "m-2"}`,
		"m-2": `{"messages": [{"message_id": "m-3"}], "next": "m-3"}`,
		"m-3": `{"messages": [{"message_id": "m-4"}]}`,
	}
	var afters []string
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.URL.Query().Get("correlation_id"); got != "m-0" {
			http.Error(w, fmt.Sprintf("correlation_id %q, want m-0", got), http.StatusBadRequest)
			return
		}
		after := r.URL.Query().Get("after")
		afters = append(afters, after)
		page, ok := pages[after]
		if !ok {
			http.Error(w, "unknown after", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(hub.Close)

	c := &hubClient{base: hub.URL}
	replies, err := c.waitReplies(context.Background(), "m-0", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range replies {
		ids = append(ids, r.MessageID)
	}
	if want := []string{"m-1", "m-2", "m-3", "m-4"}; !slices.Equal(ids, want) {
		t.Errorf("replies %q, want %q", ids, want)
	}
	if want := []string{"", "m-2", "m-3"}; !slices.Equal(afters, want) {
		t.Errorf("after parameters %q, want %q", afters, want)
	}
}

// TestWaitRepliesRejectsRepeatedNext checks that a page whose next is
// the cursor it was read with ends the wait with an error, not a loop.
func TestWaitRepliesRejectsRepeatedNext(t *testing.T) {
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"messages": [{"message_id": "m-1"}], "next": "m-1"}`)
	}))
	t.Cleanup(hub.Close)

	c := &hubClient{base: hub.URL}
	if _, err := c.waitReplies(context.Background(), "m-0", 5*time.Second); err == nil {
		t.Fatal("no error for a hub that repeats next")
	}
}
