package api

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// Reasons that a filtered replay, dry or not, gives for matching dead
// letters that the run leaves out, besides those of removed destinations.
const (
	SkippedBeyondLimit = "beyond the limit of the run: raise limit, or narrow the filter " +
		"with from and to"
	SkippedReplayedBefore = "replayed before: only a forced run replays them again, and " +
		"then only those whose message has not reached the destination"
	skippedStandIn = "their message reached the destination by the same route, or a " +
		"newer dead letter of the same message, destination and route is replayed in their place"
)

// dryReplayMany writes the response to req, a filtered dry run whose
// filter f selected found, the dead letters that the run would replay.
// It replays nothing and journals nothing, and its checks are those of
// replayMany, so the response names what the same request without
// dry_run would do now.
func (s *Server) dryReplayMany(w http.ResponseWriter, r *http.Request, req ReplayManyRequest,
	f journal.DeadLetterFilter, found []journal.DeadLetter) {
	out := ReplayResponse{Replays: []ReplayResult{}, DryRun: true, WouldReplay: found}
	var removed int
	var err error
	out.Skipped, removed, err = s.allSkippedReplays(r, f, found, nil)
	if s.clientGone(r, "counting skipped replays", err) {
		return
	}
	if err != nil {
		s.failures.deadLetters.Failed(err)
		problem.Write(w, problem.New(problem.Unavailable, "reading the journal failed"))
		return
	}
	if len(found) == 0 && removed == 0 && req.Route != "" && !s.routeInForce(req.Route) {
		// The real run rejects the route then, as replayMany does.
		writeUnknownRoute(w, r, req.Route)
		return
	}
	noteAttrs(r, "replays", 0, "would_replay", len(found))
	WriteJSON(w, http.StatusOK, out)
}

// allSkippedReplays returns, sorted by destination, the counts of
// skippedReplays and of leftOutReplays for f, the filter of a replay run
// that selected found, with raced added as in skippedReplays. removed is
// how many entries skippedReplays gave, those of destinations that the
// routes in force do not name.
func (s *Server) allSkippedReplays(r *http.Request, f journal.DeadLetterFilter,
	found []journal.DeadLetter, raced map[string]int) (skipped []ReplaySkipped, removed int, err error) {
	skipped, err = s.skippedReplays(r, f, raced)
	if err != nil {
		return nil, 0, err
	}
	removed = len(skipped)
	left, err := s.leftOutReplays(r, f, found)
	if err != nil {
		return nil, 0, err
	}
	skipped = append(skipped, left...)
	slices.SortStableFunc(skipped, func(a, b ReplaySkipped) int {
		return cmp.Compare(a.Destination, b.Destination)
	})
	return skipped, removed, nil
}

// leftOutReplays counts, by destination and reason, the dead letters of
// the destinations in force that match f's filter fields but that f,
// the filter of a replay run, leaves out of found. It reads at most
// journal.MaxLimit of them, and marks the counts AtLeast when it
// reached that.
func (s *Server) leftOutReplays(r *http.Request, f journal.DeadLetterFilter,
	found []journal.DeadLetter) ([]ReplaySkipped, error) {
	every := f
	every.Unreplayed, every.OnePerMessage, every.Limit = false, false, journal.MaxLimit
	matching, err := s.Store.DeadLetters(r.Context(), every)
	if err != nil {
		return nil, err
	}
	replayable := found
	if len(found) >= f.EffectiveLimit() {
		// The limit cut the run short, so more of them may be
		// replayable by a later run.
		all := f
		all.Limit = journal.MaxLimit
		if replayable, err = s.Store.DeadLetters(r.Context(), all); err != nil {
			return nil, err
		}
	}
	inRun := letterIDs(found)
	inLaterRun := letterIDs(replayable)
	// A dead letter counts as replayed before only when a forced run
	// would replay it, which it does not once its message has reached
	// the destination, for example by that replay.
	var inForcedRun map[string]bool
	if f.Unreplayed {
		forced := f
		forced.Unreplayed, forced.Limit = false, journal.MaxLimit
		forcedFound, err := s.Store.DeadLetters(r.Context(), forced)
		if err != nil {
			return nil, err
		}
		inForcedRun = letterIDs(forcedFound)
	}
	type key struct{ destination, reason string }
	counts := map[key]int{}
	var order []key
	for _, dl := range matching {
		if inRun[dl.ID] {
			continue
		}
		k := key{dl.Destination, skippedStandIn}
		switch {
		case inLaterRun[dl.ID]:
			k.reason = SkippedBeyondLimit
		case f.Unreplayed && len(dl.Replays) > 0 && inForcedRun[dl.ID]:
			k.reason = SkippedReplayedBefore
		}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	slices.SortFunc(order, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.destination, b.destination), cmp.Compare(a.reason, b.reason))
	})
	out := []ReplaySkipped{}
	for _, k := range order {
		out = append(out, ReplaySkipped{Destination: k.destination, DeadLetters: counts[k],
			AtLeast: len(matching) == journal.MaxLimit, Reason: k.reason})
	}
	return out, nil
}

// letterIDs returns the set of the ids of letters.
func letterIDs(letters []journal.DeadLetter) map[string]bool {
	ids := make(map[string]bool, len(letters))
	for _, dl := range letters {
		ids[dl.ID] = true
	}
	return ids
}

// dryReplayOne writes the response to a dry run of the replay of the
// delivery id. It returns the errors that replayOne would, and otherwise
// either the earlier replay that the run would return, or the dead
// letter in would_replay. It replays nothing and journals nothing.
func (s *Server) dryReplayOne(w http.ResponseWriter, r *http.Request, id string, req ReplayRequest) {
	d, _, err := s.Store.Delivery(r.Context(), id)
	var j journal.Journey
	if err == nil {
		j, err = s.Store.Journey(r.Context(), d.MessageID)
	}

	if s.clientGone(r, "replay", err) {
		return
	}
	switch {
	case errors.Is(err, journal.ErrNotFound):
		problem.Write(w, problem.New(problem.NotFound, s.deliveryNotFound(r, id)))
		return
	case err != nil:
		s.failures.replay.Failed(err, "delivery_id", id)
		problem.Write(w, problem.New(problem.Unavailable, "reading the journal failed"))
		return
	}
	s.failures.replay.Succeeded()

	switch {
	case d.Status != journal.StatusDead:
		problem.Write(w, problem.New(problem.Conflict,
			fmt.Sprintf("replaying delivery %s: %v", id, journal.ErrNotDead)))
		return
	case !s.configured(d.Destination):
		problem.Write(w, problem.New(problem.Conflict, fmt.Sprintf("replaying delivery %s: %v",
			id, journal.DestinationRemovedError(d.Destination))))
		return
	}

	letter := journal.DeadLetter{Delivery: d, Source: j.Source,
		SenderMessageID: j.SenderMessageID, Type: string(j.Type)}
	var latest *journal.Delivery
	// A journey lists a message's deliveries in the order they were
	// made, so the last replay of id is its newest.
	for i, other := range j.Deliveries {
		switch {
		case other.ID == id:
			letter.Delivery = other
		case other.ReplayOf == id:
			letter.Replays = append(letter.Replays, other.ID)
			latest = &j.Deliveries[i]
		}
	}

	out := ReplayResponse{Replays: []ReplayResult{}, DryRun: true}
	if latest != nil && !req.Force {
		out.Replays = append(out.Replays, existingReplay(id, *latest, j.Deliveries))
	} else {
		out.WouldReplay = []journal.DeadLetter{letter}
	}

	noteAttrs(r, "replays", 0, "would_replay", len(out.WouldReplay))
	WriteJSON(w, http.StatusOK, out)
}
