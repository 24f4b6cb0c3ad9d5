# pROC side of bench/roc.sh: for each class of the study-sized case (one-vs-rest), DeLong's CI
# and a 2,000-replicate stratified bootstrap CI, as SinoRad's ROCBenchmark test does.
#   Rscript bench/roc.R Tests/Fixtures/roc_bench_93.csv [REPEATS]
# Prints "[bench] roc proc_seconds S" (best of REPEATS).
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[[1]])
repeats <- if (length(args) > 1) as.integer(args[[2]]) else 3
analyse <- function() {
  for (k in 0:2) {
    r <- roc(response = as.integer(data$label == k), predictor = data[[paste0("p", k)]],
             levels = c(0, 1), direction = "<", quiet = TRUE)
    ci.auc(r, method = "delong")
    set.seed(k + 1)
    ci.auc(r, method = "bootstrap", boot.n = 2000, boot.stratified = TRUE, progress = "none")
  }
}
best <- Inf
for (i in seq_len(repeats)) best <- min(best, system.time(analyse())[["elapsed"]])
cat(sprintf("[bench] roc proc_seconds %.6f (best of %d)\n", best, repeats))
