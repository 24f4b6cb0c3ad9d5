# Reference DeLong and bootstrap numbers from R pROC 1.18 for Tests/Fixtures/roc.json.
# Called by scripts/peers/roc.py, or on its own:  Rscript scripts/peers/roc_proc.R problems.tsv
# Input lines (tab-separated, labels 1 = case, 0 = control, values comma-separated):
#   delong    name labels scores
#   paired    name labels scores1 scores2
#   boot      name labels scores boot.n seed
#   boottest  name labels scores1 scores2 boot.n seed
# Output: "name<TAB>key<TAB>value" lines, values with 17 significant digits, NA when pROC
# gives NA. direction = "<" always (higher score = case): no direction = "auto" flipping.
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
emit <- function(name, key, value) cat(name, "\t", key, "\t", fmt(value), "\n", sep = "")
nums <- function(text) as.numeric(strsplit(text, ",")[[1]])
curve <- function(labels, scores) {
  roc(response = labels, predictor = scores, levels = c(0, 1), direction = "<", quiet = TRUE)
}
cat("versions\tR\t", paste(R.version$major, R.version$minor, sep = "."), "\n", sep = "")
cat("versions\tpROC\t", as.character(packageVersion("pROC")), "\n", sep = "")

delong <- function(name, labels, scores) {
  r <- curve(labels, scores)
  ci <- suppressWarnings(ci.auc(r, method = "delong"))
  emit(name, "auc", as.numeric(auc(r)))
  emit(name, "lower", ci[1]); emit(name, "upper", ci[3])
  emit(name, "var", if (length(r$cases) > 1 && length(r$controls) > 1) var(r, method = "delong") else NA)
  ci90 <- suppressWarnings(ci.auc(r, method = "delong", conf.level = 0.9))
  emit(name, "lower90", ci90[1]); emit(name, "upper90", ci90[3])
}

paired <- function(name, labels, s1, s2) {
  t <- roc.test(curve(labels, s1), curve(labels, s2), method = "delong", paired = TRUE)
  emit(name, "auc1", t$estimate[[1]]); emit(name, "auc2", t$estimate[[2]])
  emit(name, "z", t$statistic[[1]]); emit(name, "p", t$p.value)
  emit(name, "lower", t$conf.int[1]); emit(name, "upper", t$conf.int[2])
}

boot <- function(name, labels, scores, n, seed) {
  set.seed(seed)
  ci <- ci.auc(curve(labels, scores), method = "bootstrap", boot.n = n, boot.stratified = TRUE,
               progress = "none")
  emit(name, "lower", ci[1]); emit(name, "median", ci[2]); emit(name, "upper", ci[3])
}

boottest <- function(name, labels, s1, s2, n, seed) {
  set.seed(seed)
  t <- roc.test(curve(labels, s1), curve(labels, s2), method = "bootstrap", paired = TRUE,
                boot.n = n, boot.stratified = TRUE, progress = "none")
  emit(name, "auc1", t$estimate[[1]]); emit(name, "auc2", t$estimate[[2]])
  emit(name, "D", t$statistic[[1]]); emit(name, "p", t$p.value)
}

for (line in readLines(args[[1]])) {
  p <- strsplit(line, "\t")[[1]]
  switch(p[[1]],
    delong = delong(p[[2]], nums(p[[3]]), nums(p[[4]])),
    paired = paired(p[[2]], nums(p[[3]]), nums(p[[4]]), nums(p[[5]])),
    boot = boot(p[[2]], nums(p[[3]]), nums(p[[4]]), as.integer(p[[5]]), as.integer(p[[6]])),
    boottest = boottest(p[[2]], nums(p[[3]]), nums(p[[4]]), nums(p[[5]]), as.integer(p[[6]]),
                        as.integer(p[[7]])))
}
