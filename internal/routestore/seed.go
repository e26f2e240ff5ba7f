package routestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
)

// SeedComment is the comment of the version that Seed saves.
const SeedComment = "first version, saved at start-up"

// Seed saves doc as version 1, by by, when s is empty, and returns it.
// When s already has a version, Seed leaves it and returns it, with
// differs reporting whether its document is other than doc, so the hub
// can warn that its routes file no longer rules. When several replicas
// seed an empty store at once, one saves and the others return its
// version.
func Seed(
	ctx context.Context,
	s Store,
	doc []byte,
	by string,
) (v Version, differs bool, err error) {
	v, err = s.Current(ctx)
	if err == nil {
		return v, !bytes.Equal(v.Document, doc), nil
	}
	if !errors.Is(err, ErrEmpty) {
		return Version{}, false, fmt.Errorf("seeding routes: %w", err)
	}

	v, err = s.Save(ctx, Change{Document: doc, By: by, Comment: SeedComment})
	if errors.Is(err, ErrConflict) {
		v, err = s.Current(ctx)
		if err != nil {
			return Version{}, false, fmt.Errorf("seeding routes: %w", err)
		}
		return v, !bytes.Equal(v.Document, doc), nil
	}
	if err != nil {
		return Version{}, false, fmt.Errorf("seeding routes: %w", err)
	}
	return v, false, nil
}
