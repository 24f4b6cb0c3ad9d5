# SinoRad: two commands on a fresh Debian 12 machine.
#   make demo   simulate the built-in SYNTHETIC cohort and write the report to reports/demo/
#   make test   build and run the test suite
SWIFT ?= swift
DEMO_OUT ?= reports/demo

.PHONY: all deps build demo test bench peers clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product sinorad

demo: build
	.build/release/sinorad demo --out $(DEMO_OUT)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Benchmarks against the reference tools (needs Python; see bench/README.md).
bench: build
	bench/run.sh

# Regenerate the reference-tool fixtures (needs Python and R; see scripts/peers/README.md).
peers:
	scripts/peers/run_all.sh

clean:
	rm -rf .build
