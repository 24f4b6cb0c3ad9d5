# SinoRad: two commands on a fresh Debian 12 machine.
#   make demo   simulate the built-in SYNTHETIC cohort and write the report to reports/demo/
#   make test   build and run the test suite
#   make docs   build the API documentation (DocC) into .build/docs/<Module>.doccarchive
#   make format apply the house style (.swift-format) to Sources/, Tests/ and Package.swift
#   make fuzz   fuzz every file parser (scripts/fuzz.sh; SECONDS_PER_TARGET=60 each; docs/RELIABILITY.md)
SWIFT ?= swift
DOCC ?= $(shell command -v docc 2>/dev/null || echo /opt/swift/usr/bin/docc)
DEMO_OUT ?= reports/demo
# Modules with a documentation catalog, Sources/<Module>/<Module>.docc.
DOC_MODULES ?= SinoStats SinoStudy
DOCS_OUT ?= .build/docs

# Debian's OpenBLAS 0.3.21 runs its slow Prescott kernels on Xeons newer than it; the test binary
# (which loads OpenBLAS itself) gets the right kernels from here (scripts/openblas-coretype.sh).
OPENBLAS_CORETYPE ?= $(shell scripts/openblas-coretype.sh 2>/dev/null)
ifneq ($(OPENBLAS_CORETYPE),)
export OPENBLAS_CORETYPE
endif

.PHONY: all deps build demo test format lint docs bench peers clean fuzz

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product sinorad

demo: build
	.build/release/sinorad demo --out $(DEMO_OUT)

test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The house style (.swift-format, swift-format from the toolchain): `make lint` fails on any
# difference, `make format` rewrites the files.
FORMATTED = Sources Tests Package.swift fuzz/Sources fuzz/Package.swift
lint:
	$(SWIFT) format lint --strict --recursive $(FORMATTED)

format:
	$(SWIFT) format format --in-place --recursive $(FORMATTED)

# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of every parser a user's file reaches:
# the fuzz/ package, its seeds in fuzz/corpus, findings under /tmp/sinorad-fuzz (scripts/fuzz.sh).
fuzz: deps
	scripts/fuzz.sh

# API documentation with the toolchain's docc (the SwiftPM DocC plugin needs the network):
# symbol graphs from the debug build, then one archive per module in DOC_MODULES. Any docc
# warning (an unresolved symbol link, a catalog problem) fails the target.
docs:
	$(SWIFT) package dump-symbol-graph --skip-synthesized-members
	@set -e; graphs="$$(dirname "$$($(SWIFT) build --show-bin-path)")/symbolgraph"; \
	for module in $(DOC_MODULES); do \
	  dir="$(DOCS_OUT)/symbol-graphs/$$module"; rm -rf "$$dir"; mkdir -p "$$dir"; \
	  find "$$graphs" -maxdepth 1 \( -name "$$module.symbols.json" -o -name "$$module@*.symbols.json" \) \
	    -exec cp {} "$$dir/" \; ; \
	  $(DOCC) convert "Sources/$$module/$$module.docc" --additional-symbol-graph-dir "$$dir" \
	    --fallback-display-name "$$module" --fallback-bundle-identifier "org.sinorad.$$module" \
	    --output-path "$(DOCS_OUT)/$$module.doccarchive" --warnings-as-errors; \
	  echo "wrote $(DOCS_OUT)/$$module.doccarchive"; \
	done

# Benchmarks against the reference tools (needs Python; see bench/README.md).
bench: build
	bench/run.sh

# Regenerate the reference-tool fixtures (needs Python and R; see scripts/peers/README.md).
peers:
	scripts/peers/run_all.sh

clean:
	rm -rf .build
