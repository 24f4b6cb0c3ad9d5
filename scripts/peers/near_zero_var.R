#!/usr/bin/env Rscript
# caret::nearZeroVar(saveMetrics = TRUE) on hand-made columns (constant, near-constant, few
# unique values, NA, ties at the cut-offs), with the default freqCut = 95/5, uniqueCut = 10 and
# with freqCut = 4, uniqueCut = 20, written to Tests/Fixtures/selection/near_zero_var.json for
# SinoSelection.VarianceFilter.
# Usage: Rscript scripts/peers/near_zero_var.R   (needs r-cran-caret, r-cran-jsonlite)
Sys.setenv(TZ = "UTC")
suppressPackageStartupMessages({ library(caret); library(jsonlite) })
set.seed(2026)
n <- 100
x <- data.frame(
  constant = rep(3.5, n),
  rare_one = c(rep(0, 97), rep(1, 3)),                 # ratio 97/3 > 19, 2% unique
  ratio_19 = c(rep(0, 95), rep(1, 5)),                 # ratio exactly 19: kept (strict >)
  ratio_20 = c(rep(0, 80), rep(1, 4), rnorm(16)),      # ratio 20, 18% unique: kept
  ten_pct = c(rep(0, 91), 1:9),                        # 10% unique, ratio 91: nzv (<=)
  eleven_pct = c(rep(0, 90), 1:10),                    # 11% unique: kept
  normal = rnorm(n),
  few_levels = sample(1:3, n, replace = TRUE),
  with_na = c(rep(NA, 10), rep(2, 88), 1, 5),          # NA ignored in counts, not in n
  all_but_na = c(rep(NA, 5), rep(7, 95))
)
settings <- list(list(freqCut = 95 / 5, uniqueCut = 10), list(freqCut = 4, uniqueCut = 20))
runs <- lapply(settings, function(s) {
  m <- nearZeroVar(x, freqCut = s$freqCut, uniqueCut = s$uniqueCut, saveMetrics = TRUE)
  list(freqCut = s$freqCut, uniqueCut = s$uniqueCut, freqRatio = m$freqRatio,
       percentUnique = m$percentUnique, zeroVar = m$zeroVar, nzv = m$nzv)
})
columns <- lapply(x, function(v) ifelse(is.na(v), NA, v))
fixture <- list(
  generator = "scripts/peers/near_zero_var.R",
  versions = list(R = paste(R.version$major, R.version$minor, sep = "."),
                  caret = as.character(packageVersion("caret"))),
  names = names(x), columns = unname(columns), runs = runs)
writeLines(toJSON(fixture, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
           "Tests/Fixtures/selection/near_zero_var.json")
cat("wrote Tests/Fixtures/selection/near_zero_var.json\n")
