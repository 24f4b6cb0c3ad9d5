#!/usr/bin/env bash
# Reference outputs of SplitMix64 and xoshiro256** from the authors' C code
# (scripts/peers/prng_reference.c, written from prng.di.unimi.it): pins SinoRandom's
# generators. Needs only a C compiler.
#
#     scripts/peers/prng.sh      # writes Tests/Fixtures/prng.json
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cc -O2 -std=c99 -Wall -o "$dir/prng_reference" scripts/peers/prng_reference.c
"$dir/prng_reference" > Tests/Fixtures/prng.json
echo "wrote Tests/Fixtures/prng.json" >&2
