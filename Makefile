# Sangam: make run starts the hub with mock agencies; make test runs the tests.

GO ?= go
# Real agency samples live beside the repository; tests that read them
# skip with a message when the folder is missing.
SANGAM_SAMPLES ?= $(abspath $(wildcard ../shared/samples))
SANGAM_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export SANGAM_SAMPLES SANGAM_TEST_POSTGRES

.PHONY: run test build vet fuzz clean

# ARGS passes flags to sangam demo, such as ARGS='--mock-port 19201'.
ARGS ?=
run:
	$(GO) run ./cmd/sangam demo $(ARGS)

# The packages whose goroutines share messages, breakers and throttles
# run a second time under the race detector, which needs cgo and a C
# compiler.
RACE_PACKAGES = ./internal/bus/ ./internal/bus/sqlitebus/ ./internal/bus/pgbus/ \
	./internal/delivery/ ./internal/throttle/ ./internal/logmask/ \
	./internal/journal/groupcommit/

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 8m ./...
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 5m $(RACE_PACKAGES)

build:
	$(GO) build -o bin/sangam ./cmd/sangam

# Every fuzz target of the decoders and parsers, one after another, each
# for FUZZTIME.
FUZZTIME ?= 20s
FUZZ_TARGETS = \
	./adapters/police:FuzzDecode ./adapters/police:FuzzDecodeCanonical \
	./adapters/police:FuzzDecodeField ./adapters/courts:FuzzDecode \
	./adapters/prisons:FuzzDecodeJSON ./adapters/prisons:FuzzDecodeNIEM \
	./adapters/passport:FuzzDecode ./adapters/passport/mrz:FuzzParse \
	./internal/xmlsafe:FuzzParse
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $$t"; \
		$(GO) test $${t%%:*} -run '^$$' -fuzz "^$${t##*:}\$$" -fuzztime $(FUZZTIME); \
	done

clean:
	rm -rf bin data

# The resilience tests with a longer crash loop: KILLS SIGKILLs of the
# hub per store, under RATE chargesheets a second.
KILLS ?= 200
RATE ?= 20
.PHONY: resilience
resilience:
	$(GO) test ./internal/resilience -count=1 -timeout 60m -v -kills $(KILLS) -rate $(RATE)
