package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// hubClient reads and writes a hub's API for the demo.
type hubClient struct {
	base string
}

var demoHTTP = &http.Client{Timeout: 30 * time.Second}

type sendResult struct {
	status    int
	messageID string
	duplicate bool
	problem   *problem.Problem
}

func (c *hubClient) send(ctx context.Context, agency string, body []byte) (sendResult, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		c.base+"/api/v1/inbound/"+agency, bytes.NewReader(body))
	if err != nil {
		return sendResult{}, err
	}
	contentType := "application/json"
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
		contentType = "application/xml"
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := demoHTTP.Do(req)
	if err != nil {
		return sendResult{}, fmt.Errorf("sending to the hub: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return sendResult{}, fmt.Errorf("reading the hub's response: %w", err)
	}
	res := sendResult{status: resp.StatusCode}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		var p problem.Problem
		if err := json.Unmarshal(data, &p); err != nil {
			return res, fmt.Errorf("hub responded with HTTP %d: %s", resp.StatusCode, data)
		}
		res.problem = &p
		return res, nil
	}
	var ok api.InboundResponse
	if err := json.Unmarshal(data, &ok); err != nil || len(ok.Messages) == 0 {
		return res, fmt.Errorf("hub responded with HTTP %d and an unreadable body: %s",
			resp.StatusCode, data)
	}
	res.messageID, res.duplicate = ok.MessageID, ok.Messages[0].Duplicate
	return res, nil
}

func (c *hubClient) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := demoHTTP.Do(req)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reading %s: HTTP %d", path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// settled polls a message's journey until no delivery is pending.
func (c *hubClient) settled(ctx context.Context, id string) (journal.Journey, error) {
	var j journal.Journey
	err := poll(ctx, settleTimeout, func() (bool, error) {
		if err := c.get(ctx, "/api/v1/messages/"+id, &j); err != nil {
			return false, err
		}
		return j.Status != "in_progress", nil
	})
	if err != nil {
		return j, fmt.Errorf("waiting for message %s to be delivered: %w", id, err)
	}
	return j, nil
}

// waitReplies polls for messages that reply to id, such as a court's
// registration of a chargesheet, and returns every page of them.
func (c *hubClient) waitReplies(ctx context.Context, id string, timeout time.Duration) ([]journal.Summary, error) {
	var replies []journal.Summary
	err := poll(ctx, timeout, func() (bool, error) {
		var err error
		replies, err = c.findAll(ctx, url.Values{"correlation_id": {id}})
		return len(replies) > 0, err
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for the court's reply to %s: %w", id, err)
	}
	return replies, nil
}

// findAll returns the messages that GET /api/v1/messages lists for
// query, following next from page to page until a page has none.
func (c *hubClient) findAll(ctx context.Context, query url.Values) ([]journal.Summary, error) {
	var all []journal.Summary
	for {
		var page api.FindResponse
		if err := c.get(ctx, "/api/v1/messages?"+query.Encode(), &page); err != nil {
			return nil, err
		}
		all = append(all, page.Messages...)
		if page.Next == "" {
			return all, nil
		}
		if page.Next == query.Get("after") {
			return nil, fmt.Errorf("reading messages: the hub returned next %q again, "+
				"the cursor of the page it answered", page.Next)
		}
		query.Set("after", page.Next)
	}
}

// poll calls check every 100ms until it returns true or an error, or
// timeout passes.
func poll(ctx context.Context, timeout time.Duration, check func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		done, err := check()
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up after %s", timeout)
		case <-tick.C:
		}
	}
}
