#!/usr/bin/env Rscript
# R's default sampler (Mersenne-Twister, Rejection), the draw cv.glmnet makes its folds with:
# set.seed(s); sample(rep(seq(k), length = N)); plus runif and sample.int draws, written to
# Tests/Fixtures/selection/r_sample.json for SinoSelection.RSampler.
# Usage: Rscript scripts/peers/r_sample.R   (needs r-cran-jsonlite)
suppressPackageStartupMessages(library(jsonlite))
stopifnot(identical(RNGkind(), c("Mersenne-Twister", "Inversion", "Rejection")))
cases <- list()
for (s in c(1L, 42L, 2024L, -7L, 5L, 123456789L)) {
  for (n in c(2L, 37L, 60L, 100L, 251L, 465L)) {
    for (k in c(3L, 5L, 10L)) {
      set.seed(s)
      cases[[length(cases) + 1]] <- list(seed = s, n = n, folds = k, foldid = I(sample(rep(seq(k), length = n))))
    }
  }
}
# runif draws are k / 2^32: the integers k are written (jsonlite prints at most 15 digits).
uniform <- lapply(c(1L, 42L, -7L), function(s) { set.seed(s); list(seed = s, words = round(runif(1000) * 2^32)) })
# sample.int(n) on big n uses more than 16 bits per index (two rbits words above 65536).
large <- lapply(c(3L, 99L), function(s) { set.seed(s); list(seed = s, n = 100000L, values = sample.int(100000L, 200)) })
out <- list(generator = "scripts/peers/r_sample.R",
            versions = list(R = sprintf("%s.%s", R.version$major, R.version$minor)), rngkind = RNGkind(),
            folds = cases, uniform = uniform, sampleInt = large)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE), "Tests/Fixtures/selection/r_sample.json")
