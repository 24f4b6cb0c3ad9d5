#!/usr/bin/env Rscript
# R glmnet (Debian r-cran-glmnet 4.1-6) paths and cross-validation for SinoSelection.GLMNet,
# written to Tests/Fixtures/selection/glmnet.json. Data are made here (set.seed, rnorm), with
# columns on different scales so standardisation matters. Per case: x, y (0-based class index;
# factor levels "c0" < "c1" < ...), the settings, and glmnet's lambda, a0, beta (on the original
# scale, dense), dev.ratio, nulldev, npasses; per CV case also foldid, cvm, cvsd, lambda.min,
# lambda.1se and the coefficients at both.
# Usage: Rscript scripts/peers/glmnet.R   (needs r-cran-glmnet, r-cran-jsonlite)
suppressPackageStartupMessages({
  library(glmnet)
  library(jsonlite)
})

make_data <- function(seed, n, p, k, signal) {
  set.seed(seed)
  x <- matrix(rnorm(n * p), n, p)
  x <- sweep(x, 2, 10^seq(-1, 1, length.out = p), `*`)      # scales 0.1 ... 10
  x <- sweep(x, 2, seq(-2, 2, length.out = p), `+`)         # and shifted means
  x <- signif(x, 8)                                         # written exactly to the JSON
  z <- scale(x)
  eta <- sapply(seq_len(k), function(c) signal * (z[, c] - z[, c + 1]) + 0.5 * z[, (c %% p) + 3])
  if (k == 2) eta[, 1] <- 0
  prob <- exp(eta) / rowSums(exp(eta))
  y <- apply(prob, 1, function(pr) sample.int(k, 1, prob = pr)) - 1
  list(x = x, y = y)
}

coefs <- function(fit, family, s = NULL) {
  cf <- if (is.null(s)) coef(fit) else coef(fit, s = s)
  if (family == "binomial") {
    m <- as.matrix(cf)
    list(a0 = list(unname(m[1, ])), beta = list(unname(t(m[-1, , drop = FALSE]))))
  } else {
    list(a0 = unname(lapply(cf, function(m) unname(as.matrix(m)[1, ]))),
         beta = unname(lapply(cf, function(m) unname(t(as.matrix(m)[-1, , drop = FALSE])))))
  }
}

path_case <- function(name, data, family, grouped = FALSE, ...) {
  y <- factor(paste0("c", data$y), levels = paste0("c", sort(unique(data$y))))
  args <- list(...)
  fit <- glmnet(data$x, y, family = family,
                type.multinomial = if (grouped) "grouped" else "ungrouped", ...)
  cf <- coefs(fit, family)
  list(name = name, family = family, grouped = grouped, x = data$x, y = data$y,
       settings = args, lambda = fit$lambda, a0 = cf$a0, beta = cf$beta,
       devRatio = fit$dev.ratio, nulldev = fit$nulldev, npasses = fit$npasses)
}

cv_case <- function(name, data, family, grouped = FALSE, measure = "deviance", nfolds = 10,
                    seed = NULL, foldid = NULL, ...) {
  y <- factor(paste0("c", data$y), levels = paste0("c", sort(unique(data$y))))
  if (!is.null(seed)) set.seed(seed)
  cv <- if (is.null(foldid)) {
    cv.glmnet(data$x, y, family = family, type.measure = measure, nfolds = nfolds, keep = TRUE,
              type.multinomial = if (grouped) "grouped" else "ungrouped", ...)
  } else {
    cv.glmnet(data$x, y, family = family, type.measure = measure, foldid = foldid, keep = TRUE,
              type.multinomial = if (grouped) "grouped" else "ungrouped", ...)
  }
  cmin <- coefs(cv$glmnet.fit, family, cv$lambda.min)
  c1se <- coefs(cv$glmnet.fit, family, cv$lambda.1se)
  list(name = name, family = family, grouped = grouped, measure = measure, seed = seed,
       x = data$x, y = data$y, settings = list(...), foldid = cv$foldid, lambda = cv$lambda,
       cvm = cv$cvm, cvsd = cv$cvsd, nzero = unname(cv$nzero),
       lambdaMin = cv$lambda.min, lambda1se = cv$lambda.1se,
       a0Min = cmin$a0, betaMin = cmin$beta, a01se = c1se$a0, beta1se = c1se$beta)
}

two <- make_data(11, 80, 8, 2, 1.2)
wide <- make_data(12, 40, 50, 2, 1.5)
three <- make_data(13, 90, 10, 3, 1.0)
four <- make_data(14, 120, 12, 4, 0.8)

paths <- list(
  path_case("binomial lasso 80x8", two, "binomial"),
  path_case("binomial elastic net 0.5", two, "binomial", alpha = 0.5),
  path_case("binomial n < p (ratio 0.01) 40x50", wide, "binomial"),
  path_case("binomial not standardised", two, "binomial", standardize = FALSE),
  path_case("binomial no intercept", two, "binomial", intercept = FALSE),
  path_case("binomial thresh 1e-14", two, "binomial", thresh = 1e-14),
  path_case("binomial ridge 0.05, nlambda 30", two, "binomial", alpha = 0.05, nlambda = 30),
  path_case("multinomial lasso 90x10", three, "multinomial"),
  path_case("multinomial elastic net 0.5", three, "multinomial", alpha = 0.5),
  path_case("multinomial 4 classes 120x12", four, "multinomial"),
  path_case("multinomial grouped 90x10", three, "multinomial", grouped = TRUE),
  path_case("multinomial grouped elastic net 0.7", three, "multinomial", grouped = TRUE, alpha = 0.7),
  path_case("multinomial grouped 4 classes, not standardised", four, "multinomial", grouped = TRUE,
            standardize = FALSE),
  path_case("multinomial user lambda", three, "multinomial", lambda = c(0.2, 0.1, 0.05, 0.02, 0.01, 0.005)),
  path_case("binomial penalty factors", two, "binomial", penalty.factor = c(0, 1, 1, 2, 1, 1, 0.5, 1))
)

folds10 <- function(n, seed) { set.seed(seed); sample(rep(seq(10), length = n)) }
cvs <- list(
  cv_case("cv binomial deviance (R's folds, seed 7)", two, "binomial", seed = 7),
  cv_case("cv binomial class error", two, "binomial", measure = "class", foldid = folds10(80, 3)),
  cv_case("cv binomial elastic net mse, 5 folds", two, "binomial", measure = "mse", alpha = 0.5,
          foldid = rep_len(1:5, 80)),
  cv_case("cv binomial n < p", wide, "binomial", foldid = rep_len(1:5, 40)),
  cv_case("cv multinomial deviance (R's folds, seed 2024)", three, "multinomial", seed = 2024),
  cv_case("cv multinomial class error", three, "multinomial", measure = "class", foldid = folds10(90, 5)),
  cv_case("cv multinomial grouped deviance", three, "multinomial", grouped = TRUE, foldid = folds10(90, 6)),
  cv_case("cv multinomial 4 classes mae", four, "multinomial", measure = "mae", foldid = folds10(120, 8))
)

out <- list(generator = "scripts/peers/glmnet.R",
            versions = list(R = sprintf("%s.%s", R.version$major, R.version$minor),
                            glmnet = as.character(packageVersion("glmnet"))),
            paths = paths, cv = cvs)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, matrix = "rowmajor"),
           "Tests/Fixtures/selection/glmnet.json")
