# Reference Fisher exact p-values from base R's fisher.test (R 4.2.2), for
# Tests/Fixtures/contingency.json. Called by scripts/peers/contingency.py, or on its own:
#   Rscript scripts/peers/fisher_rxc.R tables.tsv
# Input: one table per line, "name<TAB>nrow<TAB>ncol<TAB>v11,v12,...(row-major)".
# Output: "name<TAB>key<TAB>value" lines; values printed with 17 significant digits.
#   rxc_p           fisher.test(x)$p.value with the default workspace (r x c, not 2 x 2)
#   rxc_error       the error message when the default workspace is not enough
#   rxc_p_large_ws  the p-value with workspace = 2e8 when the default one failed
#   two.sided, less, greater, cond_mle_or   for 2 x 2 tables
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[[1]])
fmt <- function(v) sprintf("%.17g", v)
emit <- function(name, key, value) cat(name, key, value, sep = "\t", fill = FALSE, "\n")
cat("R_version", "version", paste(R.version$major, R.version$minor, sep = "."), "\n", sep = "\t")
for (line in lines) {
  parts <- strsplit(line, "\t")[[1]]
  name <- parts[[1]]
  x <- matrix(as.integer(strsplit(parts[[4]], ",")[[1]]),
              nrow = as.integer(parts[[2]]), ncol = as.integer(parts[[3]]), byrow = TRUE)
  if (all(dim(x) == 2L)) {
    for (alt in c("two.sided", "less", "greater")) {
      emit(name, alt, fmt(fisher.test(x, alternative = alt)$p.value))
    }
    emit(name, "cond_mle_or", fmt(unname(fisher.test(x)$estimate)))
  } else {
    r <- tryCatch(fisher.test(x)$p.value, error = function(e) conditionMessage(e))
    if (is.character(r)) {
      emit(name, "rxc_error", gsub("[\t\n]+", " ", r))
      big <- tryCatch(fisher.test(x, workspace = 2e8)$p.value,
                      error = function(e) conditionMessage(e))
      if (is.numeric(big)) emit(name, "rxc_p_large_ws", fmt(big))
      else emit(name, "rxc_large_ws_error", gsub("[\t\n]+", " ", big))
    } else {
      emit(name, "rxc_p", fmt(r))
    }
  }
}
