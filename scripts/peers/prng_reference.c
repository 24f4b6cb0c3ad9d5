/* The authors' reference generators, as published at https://prng.di.unimi.it/ :
   splitmix64.c (Steele, Lea & Flood 2014; Vigna's C version) and xoshiro256starstar.c
   (xoshiro256** 1.0, Blackman & Vigna 2018), written out here from those files with the
   state passed explicitly instead of a global. The xoshiro state is filled with four
   splitmix64 outputs, as the authors suggest for a 64-bit seed.

   Prints JSON on stdout: for each seed, the first outputs of both generators.
   Built and run by scripts/peers/prng.sh. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

/* splitmix64.c */
static uint64_t splitmix64_next(uint64_t *x) {
	uint64_t z = (*x += 0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
	return z ^ (z >> 31);
}

/* xoshiro256starstar.c */
static inline uint64_t rotl(const uint64_t x, int k) {
	return (x << k) | (x >> (64 - k));
}

static uint64_t xoshiro256starstar_next(uint64_t s[4]) {
	const uint64_t result = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

#define COUNT 12

int main(void) {
	const uint64_t seeds[] = {0, 1, 42, 20250056, 0xFFFFFFFFFFFFFFFFull};
	const int nseeds = sizeof seeds / sizeof seeds[0];
	printf("{\n \"generator\": \"scripts/peers/prng.sh (scripts/peers/prng_reference.c)\",\n");
	printf(" \"versions\": {\"reference\": \"prng.di.unimi.it splitmix64.c, xoshiro256starstar.c (xoshiro256** 1.0)\", \"cc\": \"%s\"},\n",
#ifdef __VERSION__
	       __VERSION__
#else
	       "unknown"
#endif
	);
	printf(" \"note\": \"outputs as decimal strings (UInt64 does not fit a JSON double); xoshiro256** state = four splitmix64 outputs of the seed\",\n");
	printf(" \"cases\": [\n");
	for (int i = 0; i < nseeds; i++) {
		uint64_t x = seeds[i];
		printf("  {\"seed\": \"%" PRIu64 "\",\n   \"splitmix64\": [", seeds[i]);
		for (int k = 0; k < COUNT; k++) printf("%s\"%" PRIu64 "\"", k ? ", " : "", splitmix64_next(&x));
		uint64_t expander = seeds[i], s[4];
		for (int k = 0; k < 4; k++) s[k] = splitmix64_next(&expander);
		printf("],\n   \"xoshiro256starstar\": [");
		for (int k = 0; k < COUNT; k++) printf("%s\"%" PRIu64 "\"", k ? ", " : "", xoshiro256starstar_next(s));
		printf("]}%s\n", i + 1 < nseeds ? "," : "");
	}
	printf(" ]\n}\n");
	return 0;
}
