#!/usr/bin/env Rscript
# Bias-reduced (Firth-type) multinomial logistic regression with R brglm2 0.9
# (`brmultinom(..., type = "AS_mean")`), written to Tests/Fixtures/firth.json for
# SinoStats.MultinomialLogit.fit(method: .firth) and its penalised likelihood-ratio test.
#
# For the canonical multinomial logit, brglm2's mean bias-reducing adjusted score
# (Kosmidis & Firth 2011, Biometrika 98:755, through the Poisson log-linear model with one
# nuisance intercept per observation and fitted totals fixed at 1) is the gradient of
# Firth's penalised log-likelihood  l*(b) = l(b) + 1/2 log det I(b)  (Firth 1993), with I the
# expected (= observed) information of the multinomial model. The script checks that:
# the gradient of l*, written out below and checked against central differences, vanishes at
# brglm2's estimates.
#
# Recorded per fit: brglm2's coefficients and standard errors (sqrt(diag(vcov)), the inverse
# expected information at the estimate), Wald z and p, logLik (= -deviance/2 in brglm2, the
# ordinary multinomial log-likelihood at the estimate), AIC, and the penalised
# log-likelihood l + 1/2 log det(vcov^-1).
#
# Likelihood-ratio tests of nested models: the penalised likelihood-ratio test of Heinze &
# Schemper (2002, Stat Med 21:2409), logistf's anova(method = "nested"): the reduced model is
# the full model's penalised likelihood maximised with the tested coefficients fixed at 0
# (the penalty keeps the full model's information matrix), statistic 2 (l*_full - l*_0) on
# (K - 1) x columns degrees of freedom. brglm2 cannot fit under that constraint, so the
# constrained maximum of l* (written out below, and checked against brglm2 under "checks") is
# found here by scoring steps from the separately fitted reduced model; its gradient there is
# recorded (constrainedMaxGradient, ~1e-9). The separately fitted reduced model (brglm2) is
# recorded too (its logLik, penalised logLik and AIC). Takes about 10 minutes (brglm2's Poisson
# representation of palmerpenguins has one nuisance parameter per penguin).
#
# Usage: Rscript scripts/peers/firth.R   (needs r-cran-brglm2, r-cran-palmerpenguins,
# r-cran-jsonlite; Debian 12: brglm2 0.9, R 4.2.2)
suppressPackageStartupMessages({
  library(brglm2)
  library(jsonlite)
  library(palmerpenguins)
})

control <- brglmControl(type = "AS_mean", epsilon = 1e-11, maxit = 1000)

# ---- Firth's penalised log-likelihood of the multinomial logit, written out ------------------
# Parameters equation-major (non-reference class e, column f at e * p + f), as brglm2's
# `ofInterest` and vcov order them.
mn_state <- function(beta, X, yint, ref, K) {
  p <- ncol(X); nr <- setdiff(seq_len(K), ref)
  B <- matrix(beta, nrow = p)                     # column e = equation e
  eta <- cbind(0, X %*% B)                        # reference first
  m <- apply(eta, 1, max)
  ex <- exp(eta - m); tot <- rowSums(ex)
  prob <- ex / tot                                # columns: ref, nr[1], nr[2], ...
  code <- match(yint, c(ref, nr))
  ll <- sum(eta[cbind(seq_along(code), code)] - m - log(tot))
  P <- prob[, -1, drop = FALSE]
  info <- matrix(0, p * (K - 1), p * (K - 1))
  for (a in seq_len(K - 1)) for (b in seq_len(K - 1)) {
    w <- (if (a == b) P[, a] else 0) - P[, a] * P[, b]
    info[(a - 1) * p + 1:p, (b - 1) * p + 1:p] <- crossprod(X, X * w)
  }
  list(ll = ll, P = P, code = code, info = info, p = p)
}

penalised <- function(beta, X, yint, ref, K) {
  s <- mn_state(beta, X, yint, ref, K)
  s$ll + 0.5 * as.numeric(determinant(s$info, logarithm = TRUE)$modulus)
}

# d l*/d beta_(e,f) = X'(y_e - pi_e) + 1/2 X'[pi_e (g_e - sum_a pi_a g_a)],
# g_a = H_aa - 2 sum_b H_ab pi_b,  H_ab(i) = x_i' [I^-1]_(a,b) x_i.
penalised_gradient <- function(beta, X, yint, ref, K) {
  s <- mn_state(beta, X, yint, ref, K); p <- s$p; P <- s$P; J <- K - 1
  C <- solve(s$info)
  H <- array(0, c(nrow(X), J, J))
  for (a in seq_len(J)) for (b in seq_len(J))
    H[, a, b] <- rowSums((X %*% C[(a - 1) * p + 1:p, (b - 1) * p + 1:p]) * X)
  g <- sapply(seq_len(J), function(a) H[, a, a] - 2 * rowSums(H[, a, ] * P))
  g <- matrix(g, ncol = J)
  pg <- rowSums(P * g)
  Y <- sapply(seq_len(J), function(e) as.numeric(s$code == e + 1))
  Y <- matrix(Y, ncol = J)
  unlist(lapply(seq_len(J), function(e)
    crossprod(X, Y[, e] - P[, e] + 0.5 * P[, e] * (g[, e] - pg))))
}

# Maximises l* with the parameters in `fixed` held at 0 (the full model's penalty), from the
# separately fitted reduced model: steps I_ff^-1 dl*/db_f (the scoring step brglm2 takes), halved
# while l* does not increase, until the largest |step| < 1e-12. What makes the result the
# constrained maximum is the gradient there, recorded as constrainedMaxGradient.
constrained_max <- function(start, fixed, X, yint, ref, K) {
  free <- setdiff(seq_along(start), fixed)
  b <- start
  pl <- penalised(b, X, yint, ref, K)
  for (k in 1:1000) {
    s <- mn_state(b, X, yint, ref, K)
    step <- numeric(length(b))
    step[free] <- solve(s$info[free, free], penalised_gradient(b, X, yint, ref, K)[free])
    t <- 1
    repeat {
      trial <- penalised(b + t * step, X, yint, ref, K)
      if ((is.finite(trial) && trial >= pl - 1e-13 * abs(pl)) || t < 1e-10) break
      t <- t / 2
    }
    b <- b + t * step; pl <- penalised(b, X, yint, ref, K)
    if (max(abs(t * step)) < 1e-12) break
  }
  list(beta = b, pl = pl, maxGradient = max(abs(penalised_gradient(b, X, yint, ref, K)[free])))
}

# ---- brglm2 fits -----------------------------------------------------------------------------
fit_cache <- new.env()
fit_br <- function(X, yint, K, ref, type = "AS_mean") {
  key <- paste(dim(X), sum(X), sum(X^2), sum(yint * seq_along(yint)), K, ref, type, collapse = " ")
  if (!is.null(fit_cache[[key]])) return(fit_cache[[key]])
  fit_cache[[key]] <- fit_br_uncached(X, yint, K, ref, type)
}
fit_br_uncached <- function(X, yint, K, ref, type) {
  lev <- as.character(seq_len(K) - 1)
  d <- data.frame(y = factor(yint - 1, levels = lev), X[, -1, drop = FALSE], check.names = FALSE)
  names(d) <- c("y", paste0("v", seq_len(ncol(X) - 1)))
  f <- as.formula(paste("y ~", paste(names(d)[-1], collapse = " + ")))
  ctl <- control; ctl$type <- type
  fit <- suppressWarnings(brmultinom(f, data = d, ref = ref, control = ctl))
  list(fit = fit, beta = as.vector(t(coef(fit))), vcov = vcov(fit))
}

summary_of <- function(br, X, yint, K, ref) {
  fit <- br$fit; beta <- br$beta
  se <- sqrt(diag(br$vcov))
  s <- mn_state(beta, X, yint, ref, K)
  ll <- as.numeric(logLik(fit))
  pl <- ll + 0.5 * as.numeric(determinant(solve(br$vcov), logarithm = TRUE)$modulus)
  z <- beta / se
  J <- K - 1; p <- ncol(X)
  list(
    coefficients = lapply(seq_len(J), function(e) beta[(e - 1) * p + 1:p]),
    standardErrors = lapply(seq_len(J), function(e) se[(e - 1) * p + 1:p]),
    z = lapply(seq_len(J), function(e) z[(e - 1) * p + 1:p]),
    pValues = lapply(seq_len(J), function(e) (2 * pnorm(-abs(z)))[(e - 1) * p + 1:p]),
    logLikelihood = ll, penalizedLogLikelihood = pl, aic = AIC(fit),
    converged = fit$converged, iterations = fit$iter,
    checkLogLikelihood = abs(ll - s$ll),
    checkPenalized = abs(pl - penalised(beta, X, yint, ref, K)),
    checkGradient = max(abs(penalised_gradient(beta, X, yint, ref, K))))
}

# Drop-one penalised LR tests (nested, Heinze-Schemper) of each group of columns.
drop_one <- function(X, yint, K, ref, groups, br, summ) {
  p <- ncol(X); J <- K - 1
  lapply(names(groups), function(name) {
    cols <- groups[[name]] + 2                       # 1-based, after the intercept
    fixed <- as.vector(outer(cols, (seq_len(J) - 1) * p, "+"))
    keep <- setdiff(seq_len(p), cols)
    reduced <- fit_br(X[, keep, drop = FALSE], yint, K, ref)
    start <- numeric(p * J)
    for (e in seq_len(J)) start[(e - 1) * p + keep] <- reduced$beta[(e - 1) * length(keep) + seq_along(keep)]
    cm <- constrained_max(start, fixed, X, yint, ref, K)
    stat <- 2 * (summ$penalizedLogLikelihood - cm$pl)
    df <- J * length(cols)
    rs <- summary_of(reduced, X[, keep, drop = FALSE], yint, K, ref)
    list(group = name, columns = I(groups[[name]]), statistic = stat, df = df,
         pValue = pchisq(stat, df, lower.tail = FALSE),
         constrainedPenalizedLogLikelihood = cm$pl, constrainedMaxGradient = cm$maxGradient,
         reducedLogLikelihood = rs$logLikelihood,
         reducedPenalizedLogLikelihood = rs$penalizedLogLikelihood, reducedAic = rs$aic)
  })
}

fit_case <- function(name, X, yint, K, ref, names, groups, note, ml = FALSE) {
  message("fit ", name)
  br <- fit_br(X, yint, K, ref)
  summ <- summary_of(br, X, yint, K, ref)
  out <- c(list(name = name, note = note, x = unname(X[, -1, drop = FALSE]), y = yint - 1,
                classCount = K, reference = ref - 1, featureNames = names,
                nonReferenceClasses = I(setdiff(seq_len(K), ref) - 1)),
           summ, list(dropOne = drop_one(X, yint, K, ref, groups, br, summ)))
  if (ml) {
    mlfit <- fit_br(X, yint, K, ref, type = "ML")
    out$mlCoefficients <- lapply(seq_len(K - 1), function(e) mlfit$beta[(e - 1) * ncol(X) + 1:ncol(X)])
  }
  out
}

design <- function(df, cols) cbind(1, as.matrix(df[, cols, drop = FALSE]))
single_groups <- function(names) setNames(as.list(seq_along(names) - 1), names)

# ---- data --------------------------------------------------------------------------------------
peng <- as.data.frame(penguins)
peng <- peng[complete.cases(peng[, c("species", "bill_length_mm", "bill_depth_mm",
                                     "flipper_length_mm", "body_mass_g", "sex", "island")]), ]
peng$sexmale <- as.numeric(peng$sex == "male")
peng$islandDream <- as.numeric(peng$island == "Dream")
peng$islandTorgersen <- as.numeric(peng$island == "Torgersen")
py <- as.integer(peng$species)                       # Adelie, Chinstrap, Gentoo
pcols <- c("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g",
           "sexmale", "islandDream", "islandTorgersen")

cases <- list()
two <- c("bill_length_mm", "body_mass_g")
cases[[length(cases) + 1]] <- fit_case(
  "penguins_bill_mass", design(peng, two), py, 3, 1, two, single_groups(two),
  "palmerpenguins complete cases (333), species ~ bill_length_mm + body_mass_g")
cases[[length(cases) + 1]] <- fit_case(
  "penguins_bill_mass_ref_gentoo", design(peng, two), py, 3, 3, two, single_groups(two),
  "as penguins_bill_mass with Gentoo (class 2) as the reference")
cases[[length(cases) + 1]] <- fit_case(
  "penguins_all", design(peng, pcols), py, 3, 1, pcols,
  list(bill_length_mm = 0, bill_depth_mm = 1, flipper_length_mm = 2, body_mass_g = 3,
       sex = 4, island = c(5, 6)),
  "palmerpenguins, species ~ all six variables (sex, island one-hot): separation, the ML fit diverges; drop-one tests by variable")
icols <- c("Sepal.Length", "Petal.Length")
cases[[length(cases) + 1]] <- fit_case(
  "iris_sepal_petal", design(iris, icols), as.integer(iris$Species), 3, 1, icols,
  single_groups(icols), "iris, Species ~ Sepal.Length + Petal.Length (setosa completely separated)")
cases[[length(cases) + 1]] <- fit_case(
  "iris_all_ref_virginica", design(iris, names(iris)[1:4]), as.integer(iris$Species), 3, 3,
  names(iris)[1:4], single_groups(names(iris)[1:4]),
  "iris, all four measurements, virginica as the reference")
# Small hand-made data: quasi-complete separation (x = 3 occurs in classes 0 and 1 only at the
# boundary) and complete separation (binary).
quasi <- data.frame(x = c(1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7, 8, 8, 9),
                    z = c(0.5, -1, 0.3, 1.2, -0.4, 0.8, 0.1, -0.7, 1.5, 0.2, -1.1, 0.6, 0.9, -0.3, 0.4))
quasi_y <- c(1, 1, 1, 1, 2, 2, 2, 2, 3, 2, 3, 3, 3, 3, 3)
cases[[length(cases) + 1]] <- fit_case(
  "handmade_quasi", design(quasi, c("x", "z")), quasi_y, 3, 1, c("x", "z"),
  single_groups(c("x", "z")),
  "15 rows, 3 classes: class 0 only at x <= 3, quasi-completely separated from the others")
complete <- data.frame(x = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                       z = c(0.2, -0.5, 1.1, 0.4, -0.9, 0.3, 1.4, -0.2, 0.8, -1.3))
cases[[length(cases) + 1]] <- fit_case(
  "handmade_complete_binary", design(complete, c("x", "z")), c(1, 1, 1, 1, 1, 2, 2, 2, 2, 2),
  2, 1, c("x", "z"), single_groups(c("x", "z")),
  "10 rows, 2 classes completely separated by x (x <= 5 vs x >= 6)")
ocols <- c("bill_depth_mm", "flipper_length_mm")
cases[[length(cases) + 1]] <- fit_case(
  "penguins_island_overlap", design(peng, ocols), as.integer(peng$island), 3, 1, ocols,
  single_groups(ocols),
  "palmerpenguins, island (Biscoe, Dream, Torgersen) ~ bill_depth_mm + flipper_length_mm: no separation, ML exists; mlCoefficients are brglm2 type 'ML'",
  ml = TRUE)

# ---- backward elimination on palmerpenguins, SinoRad's rule -----------------------------------
# Drop the group with the largest drop-one p (nested penalised LR test) while p > alpha; ties keep
# the first group; the model after a drop is the separately fitted brglm2 model.
alpha <- 0.05
all_groups <- list(bill_length_mm = 0, bill_depth_mm = 1, flipper_length_mm = 2,
                   body_mass_g = 3, sex = 4, island = c(5, 6))
remaining <- names(all_groups)
steps <- list()
repeat {
  cols <- sort(unlist(all_groups[remaining]))
  X <- cbind(1, as.matrix(peng[, pcols[cols + 1], drop = FALSE]))
  local_groups <- lapply(all_groups[remaining], function(g) match(g, cols) - 1)
  br <- fit_br(X, py, 3, 1)
  summ <- summary_of(br, X, py, 3, 1)
  tests <- drop_one(X, py, 3, 1, local_groups, br, summ)
  best <- NULL
  for (t in tests) if (is.null(best) || t$pValue > best$pValue) best <- t
  if (length(remaining) == 0 || best$pValue <= alpha) break
  steps[[length(steps) + 1]] <- list(dropped = best$group, statistic = best$statistic,
                                     df = best$df, pValue = best$pValue,
                                     aicBefore = summ$aic, aicAfter = best$reducedAic,
                                     candidates = tests)
  remaining <- setdiff(remaining, best$group)
}
elimination <- list(
  x = unname(as.matrix(peng[, pcols])), y = py - 1, classCount = 3, reference = 0,
  featureNames = pcols,
  groups = lapply(names(all_groups), function(n) list(name = n, columns = I(all_groups[[n]]))),
  alpha = alpha, steps = steps, remainingGroups = I(remaining),
  finalFeatureNames = I(pcols[sort(unlist(all_groups[remaining])) + 1]),
  finalFit = summ, finalTests = tests)

# ---- gradient check of the written-out penalised log-likelihood -------------------------------
gcheck <- local({
  X <- design(peng, two); b <- cases[[1]]$coefficients
  beta <- unlist(b) + 0.01 * unlist(cases[[1]]$standardErrors)
  an <- penalised_gradient(beta, X, py, 1, 3)
  nu <- sapply(seq_along(beta), function(j) {
    h <- 1e-4 * unlist(cases[[1]]$standardErrors)[j]; e <- replace(numeric(length(beta)), j, h)
    (penalised(beta + e, X, py, 1, 3) - penalised(beta - e, X, py, 1, 3)) / (2 * h)
  })
  max(abs(an - nu) / pmax(abs(nu), 1))
})

out <- list(
  versions = list(R = R.version.string, brglm2 = as.character(packageVersion("brglm2")),
                  palmerpenguins = as.character(packageVersion("palmerpenguins")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  settings = list(type = "AS_mean", epsilon = control$epsilon, maxit = control$maxit),
  checks = list(
    note = paste("max over fits of |logLik - written-out l|, |penalised - written-out l*|,",
                 "|gradient of written-out l*| at brglm2's estimate; relative difference of the",
                 "analytic and central-difference gradient at a perturbed point"),
    logLikelihood = max(sapply(cases, `[[`, "checkLogLikelihood")),
    penalized = max(sapply(cases, `[[`, "checkPenalized")),
    gradientAtEstimate = max(sapply(cases, `[[`, "checkGradient")),
    gradientVsFiniteDifference = gcheck),
  fits = cases, elimination = elimination)
path <- file.path("Tests", "Fixtures", "firth.json")
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, matrix = "rowmajor"), path)
cat("wrote", path, "\n")
str(out$checks)
cat("elimination: dropped", sapply(steps, `[[`, "dropped"), "; remaining", remaining, "\n")
