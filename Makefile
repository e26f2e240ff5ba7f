# Sangam: make run starts the hub with mock agencies; make test runs the tests.

GO ?= go
# Real agency samples live beside the repository; tests that read them
# skip with a message when the folder is missing.
SANGAM_SAMPLES ?= $(abspath $(wildcard ../shared/samples))
SANGAM_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export SANGAM_SAMPLES SANGAM_TEST_POSTGRES

.PHONY: run test build vet fuzz clean

run:
	$(GO) run ./cmd/sangam demo

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 8m ./...

build:
	$(GO) build -o bin/sangam ./cmd/sangam

# Each decoder's fuzz target for a short run; FUZZTIME sets the length.
FUZZTIME ?= 20s
fuzz:
	$(GO) test ./adapters/police -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./adapters/courts -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)

clean:
	rm -rf bin data

# The resilience tests with a longer crash loop: KILLS SIGKILLs of the
# hub per store, under RATE chargesheets a second.
KILLS ?= 200
RATE ?= 20
.PHONY: resilience
resilience:
	$(GO) test ./internal/resilience -count=1 -timeout 60m -v -kills $(KILLS) -rate $(RATE)
