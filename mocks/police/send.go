package police

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// inboundPath is the hub's endpoint for police documents.
const inboundPath = "/api/v1/inbound/police"

// maxReply is how much of the hub's reply Send reads, in bytes.
const maxReply = 1 << 20

// HubError is the hub's refusal of a document: any status but 202
// Accepted or 200 OK. Body is the start of the hub's reply, such as its list of
// violations.
type HubError struct {
	StatusCode int
	Body       string
}

func (e *HubError) Error() string {
	return fmt.Sprintf("hub returned status %d: %s", e.StatusCode, e.Body)
}

// Send posts doc to the hub at hubURL, as a police station files a
// document, and returns the hub's message id: from its 202 reply, or
// from its 200 reply to a document the hub already had. Any other status
// returns a *HubError.
func Send(ctx context.Context, hubURL string, doc []byte) (hubMessageID string, err error) {
	return SendWithToken(ctx, hubURL, "", doc)
}

// SendWithToken posts doc as Send does, with token as the bearer token
// when it is not empty, for a hub that requires tokens.
func SendWithToken(ctx context.Context, hubURL, token string, doc []byte) (hubMessageID string, err error) {
	url := strings.TrimSuffix(hubURL, "/") + inboundPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(doc))
	if err != nil {
		return "", fmt.Errorf("sending police document: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("sending police document: %w", err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return "", fmt.Errorf("sending police document: reading reply: %w", err)
	}
	if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sending police document: %w",
			&HubError{StatusCode: resp.StatusCode, Body: string(reply)})
	}

	var accepted struct {
		MessageID string `json:"message_id"`
	}
	if err := json.Unmarshal(reply, &accepted); err != nil {
		return "", fmt.Errorf("sending police document: decoding the hub's reply: %w", err)
	}
	if accepted.MessageID == "" {
		return "", errors.New("sending police document: the hub's reply has no message_id")
	}
	return accepted.MessageID, nil
}
