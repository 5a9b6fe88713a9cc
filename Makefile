# eniconform — see README.md. Only Go is needed.
GO ?= go
# Builds are stamped with the commit (eniconform's version in reports and
# bundles) wherever there is a checkout, whatever GOFLAGS the machine sets.
export GOFLAGS := $(filter-out -buildvcs=%,$(GOFLAGS)) -buildvcs=auto
PKGS := ./...

.PHONY: run test bench selftest fuzz build vet report-check report-screenshot measure-serve measure-harness-body measure-rate measure-dead

# The main job: every suite against the built-in reference emulator, on
# each profile: the current one (the default) and the 2018 document.
run:
	$(GO) build -o bin/eniconform ./cmd/eniconform
	bin/eniconform run --profile current
	bin/eniconform run --profile 2018-doc --report-dir eniconform-report-2018-doc

# The project's own tests, the concurrency tests under the race detector,
# then a few seconds of fuzzing of the parsers.
test: vet
	$(GO) test -count=1 $(PKGS)
	$(GO) test -race -count=1 -run 'TestConcurrentClients|TestModelFollowsTheEmulatorUnderConcurrency' ./emulator ./harness
	$(GO) test -run='^$$' -fuzz=FuzzParseRequest -fuzztime=5s ./internal/wire
	$(GO) test -run='^$$' -fuzz=FuzzHandler -fuzztime=5s ./emulator
	$(GO) test -run='^$$' -fuzz=FuzzParseAnswer -fuzztime=5s ./sdkdriver

# Longer fuzzing: the wire parser, the emulator's handler, the whole
# conformance run against the built-in emulator, the parser of driver
# answers, and the Go SDK v7's encoding through its driver.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParseRequest -fuzztime=$(FUZZTIME) ./internal/wire
	$(GO) test -run='^$$' -fuzz=FuzzHandler -fuzztime=$(FUZZTIME) ./emulator
	$(GO) test -run='^$$' -fuzz=FuzzConformance -fuzztime=$(FUZZTIME) ./suites
	$(GO) test -run='^$$' -fuzz=FuzzParseAnswer -fuzztime=$(FUZZTIME) ./sdkdriver
	$(GO) test -run='^$$' -fuzz=FuzzSDKEncoding -fuzzminimizetime=5s -fuzztime=$(FUZZTIME) ./certify

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet $(PKGS)

# The HTML report of a faulty run in headless Chromium (Debian's chromium,
# which .ci/run installs): its script runs without a JavaScript error, and a
# screenshot is taken.
report-check:
	ENICONFORM_REQUIRE_BROWSER=1 $(GO) test -count=1 -run 'TestReportInABrowser' -v ./report

# The screenshot of README: docs/report.png.
report-screenshot:
	ENICONFORM_REQUIRE_BROWSER=1 ENICONFORM_SCREENSHOT=$(CURDIR)/docs/report.png $(GO) test -count=1 -run 'TestReportInABrowser' ./report

# Plants each fault of the catalogue in the emulator and shows that the run catches it.
selftest:
	$(GO) run ./cmd/eniconform selftest

bench:
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

build:
	$(GO) build -o bin/eniconform ./cmd/eniconform

# Measurements, not tests (README, "Memory"): serve's VmRSS and VmHWM while
# 64 clients send it 1,000,000 requests; the harness's peak RSS against a
# target that answers every request with a 2 GB body, with 64 workers.
measure-serve: build
	$(GO) build -o bin/eniconform-measure ./cmd/eniconform-measure
	bin/eniconform-measure load --serve bin/eniconform --requests 1000000 --clients 64

measure-harness-body: build
	$(GO) build -o bin/eniconform-measure ./cmd/eniconform-measure
	bin/eniconform-measure body --bin bin/eniconform --workers 64 --checks 64

# Measurements of runs against live and dead targets (README, "Running
# against your own long-lived emulator"): the requests a second of a run
# with --rate 20, counted at the emulator over 30 s; a default run against a
# target that never answers and one that drips a byte a second.
measure-rate: build
	$(GO) build -o bin/eniconform-measure ./cmd/eniconform-measure
	bin/eniconform-measure rate --bin bin/eniconform --rate 20 --window 30s

measure-dead: build
	$(GO) build -o bin/eniconform-measure ./cmd/eniconform-measure
	bin/eniconform-measure dead --bin bin/eniconform
