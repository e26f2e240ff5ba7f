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
// can log that its routes file is not in force. When several replicas
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

// FindDocument returns the number of the oldest version of s, below
// before, whose document is doc byte for byte, or 0 when there is none.
// It reads each version's document, oldest first, until one matches, so
// it is meant for rare calls, such as once at start-up.
func FindDocument(ctx context.Context, s Store, doc []byte, before int) (int, error) {
	var numbers []int
	for next := before; next != 1; {
		infos, err := s.List(ctx, MaxListLimit, next)
		if err != nil {
			return 0, err
		}
		if len(infos) == 0 {
			break
		}
		for _, info := range infos {
			numbers = append(numbers, info.Number)
		}
		next = infos[len(infos)-1].Number
	}
	for i := len(numbers) - 1; i >= 0; i-- {
		v, err := s.Get(ctx, numbers[i])
		if err != nil {
			return 0, err
		}
		if bytes.Equal(v.Document, doc) {
			return v.Number, nil
		}
	}
	return 0, nil
}
