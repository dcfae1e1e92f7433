# The metafor side of Tandem's reference checks: a small JSON writer and the cases (every τ² estimator,
# Hartung-Knapp, Mantel-Haenszel, Peto) computed for one data set. Sourced by generate.R (published data sets)
# and random.R (the live test's random data sets); see generate.R for the conventions both sides share.

suppressMessages(library(metafor))

IV_METHODS <- c("REML", "DL", "PM", "ML", "HE", "SJ", "FE")

# --- a small JSON writer (jsonlite is not among Debian's r-cran packages installed with metafor) -------------

json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, json, character(1), indent = inner)
    if (is.null(names(x))) {
      return(paste0("[\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "]"))
    }
    keys <- vapply(names(x), function(k) json(k), character(1))
    return(paste0("{\n", inner, paste(paste0(keys, ": ", items), collapse = paste0(",\n", inner)), "\n", indent, "}"))
  }
  if (inherits(x, "AsIs") || length(x) != 1) {
    return(paste0("[", paste(vapply(seq_along(x), function(i) json(unclass(x)[i]), character(1)), collapse = ", "), "]"))
  }
  if (is.character(x)) return(paste0("\"", gsub("\"", "\\\\\"", gsub("\\\\", "\\\\\\\\", enc2utf8(x))), "\""))
  if (is.na(x) || (is.numeric(x) && !is.finite(x))) return("null")
  if (is.logical(x)) return(if (x) "true" else "false")
  sprintf("%.17g", x)
}

write_json <- function(value, name, out_dir) {
  path <- file.path(out_dir, paste0(name, ".json"))
  writeLines(json(value), path, useBytes = TRUE)
  message("wrote ", path)
}

provenance <- function(dataset, source) {
  list(
    generated_by = "tests/data/meta/metafor_reference/generate.R",
    R = R.version.string,
    metafor = as.character(packageVersion("metafor")),
    metadat = as.character(packageVersion("metadat")),
    dataset = dataset,
    source = source
  )
}

# --- results in the engine's vocabulary -------------------------------------------------------------------------

pooled <- function(fit) {
  pred <- predict(fit)
  list(
    k = fit$k, estimate = as.numeric(fit$beta[1]), se = fit$se[1], z_or_t = fit$zval[1], p_value = fit$pval[1],
    ci_lower = fit$ci.lb[1], ci_upper = fit$ci.ub[1],
    pi_lower = if (is.null(pred$pi.lb)) pred$ci.lb else pred$pi.lb,
    pi_upper = if (is.null(pred$pi.ub)) pred$ci.ub else pred$pi.ub,
    tau2 = fit$tau2, se_tau2 = if (is.null(fit$se.tau2)) NA else fit$se.tau2,
    i2 = fit$I2, h2 = fit$H2, q = fit$QE, q_p_value = fit$QEp,
    weights = I(unname(weights(fit)))
  )
}

iv_cases <- function(yi, vi, measure, correction, call) {
  cases <- list()
  for (method in IV_METHODS) {
    control <- if (method == "PM") list(tol = 1e-12) else list()
    fit <- tryCatch(rma(yi, vi, method = method, control = control), error = function(e) NULL)
    if (is.null(fit)) next  # metafor cannot fit it (e.g. Fisher scoring does not converge): no reference
    cases[[length(cases) + 1]] <- list(
      measure = measure, method = method, knha = FALSE, correction = correction,
      call = sprintf("rma(yi, vi, method = \"%s\"%s) with %s", method,
                     if (method == "PM") ", control = list(tol = 1e-12)" else "", call),
      yi = I(as.numeric(yi)), vi = I(as.numeric(vi)), result = pooled(fit)
    )
  }
  fit <- tryCatch(rma(yi, vi, method = "REML", test = "knha"), error = function(e) NULL)
  if (is.null(fit)) return(cases)
  cases[[length(cases) + 1]] <- list(
    measure = measure, method = "REML", knha = TRUE, correction = correction,
    call = sprintf("rma(yi, vi, method = \"REML\", test = \"knha\") with %s", call),
    yi = I(as.numeric(yi)), vi = I(as.numeric(vi)), result = pooled(fit)
  )
  cases
}

correction_of <- function(add, to, drop00) list(add = add, to = to, drop00 = drop00)

two_by_two_cases <- function(d, measures = c("RR", "OR", "RD"), add = 1/2, to = "only0", drop00 = NULL,
                             iv = TRUE, mh = TRUE) {
  cases <- list()
  for (measure in measures) {
    drop <- if (is.null(drop00)) measure != "RD" else drop00
    correction <- correction_of(add, to, drop)
    es <- escalc(measure = measure, ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d, add = add, to = to,
                 drop00 = drop)
    call <- sprintf("escalc(measure = \"%s\", ai, n1i, ci, n2i, add = %g, to = \"%s\", drop00 = %s)",
                    measure, add, to, drop)
    if (iv) cases <- c(cases, iv_cases(es$yi, es$vi, measure, correction, call))
    if (mh) {
      fit <- suppressWarnings(rma.mh(measure = measure, ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d,
                                     add = add, to = to, drop00 = drop))
      cases[[length(cases) + 1]] <- list(
        measure = measure, method = "MH", knha = FALSE, correction = correction,
        call = sprintf("rma.mh(measure = \"%s\", ai, n1i, ci, n2i, add = %g, to = \"%s\", drop00 = %s)",
                       measure, add, to, drop),
        yi = I(as.numeric(fit$yi.f)), vi = I(as.numeric(fit$vi.f)), result = pooled(fit)
      )
    }
  }
  if (mh && "OR" %in% measures) {
    drop <- if (is.null(drop00)) TRUE else drop00
    fit <- suppressWarnings(rma.peto(ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d, add = add, to = to,
                                     drop00 = drop))
    cases[[length(cases) + 1]] <- list(
      measure = "OR", method = "PETO", knha = FALSE, correction = correction_of(add, to, drop),
      call = sprintf("rma.peto(ai, n1i, ci, n2i, add = %g, to = \"%s\", drop00 = %s)", add, to, drop),
      yi = I(as.numeric(fit$yi.f)), vi = I(as.numeric(fit$vi.f)), result = pooled(fit)
    )
  }
  cases
}

rate_cases <- function(d) {
  cases <- list()
  for (measure in c("IRR", "IRD")) {
    drop <- measure == "IRR"
    correction <- correction_of(1/2, "only0", drop)
    es <- escalc(measure = measure, x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i, data = d, drop00 = drop)
    call <- sprintf("escalc(measure = \"%s\", x1i, t1i, x2i, t2i, drop00 = %s)", measure, drop)
    cases <- c(cases, iv_cases(es$yi, es$vi, measure, correction, call))
    fit <- suppressWarnings(rma.mh(measure = measure, x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i, data = d,
                                   drop00 = drop))
    cases[[length(cases) + 1]] <- list(
      measure = measure, method = "MH", knha = FALSE, correction = correction,
      call = sprintf("rma.mh(measure = \"%s\", x1i, t1i, x2i, t2i, drop00 = %s)", measure, drop),
      yi = I(as.numeric(fit$yi.f)), vi = I(as.numeric(fit$vi.f)), result = pooled(fit)
    )
  }
  cases
}

continuous_cases <- function(d) {
  cases <- list()
  for (measure in c("MD", "SMD")) {
    es <- escalc(measure = measure, m1i = mean1, sd1i = sd1, n1i = n1, m2i = mean2, sd2i = sd2, n2i = n2, data = d)
    call <- sprintf("escalc(measure = \"%s\", m1i, sd1i, n1i, m2i, sd2i, n2i)", measure)
    cases <- c(cases, iv_cases(es$yi, es$vi, measure, NULL, call))
  }
  cases
}

column_list <- function(d, columns) {
  out <- lapply(columns, function(column) I(if (is.factor(d[[column]])) as.character(d[[column]]) else d[[column]]))
  names(out) <- columns
  out
}
