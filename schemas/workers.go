package schemas

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// The schema library validates by recursion, so checking a police report
// grows a goroutine's stack to tens of kilobytes, and the runtime copies
// the stack at each doubling. The hub validates on the goroutines of HTTP
// requests and bus messages, most of them new, and in a profile of
// `sangam bench` those copies took about 4% of the CPU. Validation
// therefore runs on long-lived goroutines, one per CPU, whose stacks stay
// grown between documents.

// validation is one document handed to a validating goroutine.
type validation struct {
	schema *jsonschema.Schema
	value  any
	done   chan<- validated
}

// validated is the outcome of a validation: the library's error, or
// what it panicked with and where.
type validated struct {
	err      error
	panicked any
	stack    []byte
}

var (
	startValidators sync.Once
	validations     chan validation
)

// validateOnWorker validates v against s on one of the long-lived
// goroutines and waits for the result. A panic in the library is raised
// again on the caller's goroutine, where its recover applies.
//
// NOTE: a validation that validates again, such as a format checker
// or extension calling Validate, would wait for a free goroutine while
// holding one, and deadlocks once all of them do so.
func validateOnWorker(s *jsonschema.Schema, v any) error {
	startValidators.Do(func() {
		validations = make(chan validation)
		// The runtime may raise GOMAXPROCS later, up to the number of
		// CPUs, when a container's CPU limit changes.
		for range max(runtime.NumCPU(), runtime.GOMAXPROCS(0)) {
			go validator()
		}
	})
	done := make(chan validated, 1)
	validations <- validation{schema: s, value: v, done: done}
	r := <-done
	if r.panicked != nil {
		panic(fmt.Sprintf("schema validation panicked: %v\n\n%s", r.panicked, r.stack))
	}
	return r.err
}

func validator() {
	for job := range validations {
		job.done <- validateRecovering(job.schema, job.value)
	}
}

func validateRecovering(s *jsonschema.Schema, v any) (r validated) {
	defer func() {
		if p := recover(); p != nil {
			r = validated{panicked: p, stack: debug.Stack()}
		}
	}()
	return validated{err: s.Validate(v)}
}
