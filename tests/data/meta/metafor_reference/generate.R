# Reference values for Tandem's meta-analysis engine, computed by R's metafor on published data sets from metadat.
#
#   Rscript tests/data/meta/metafor_reference/generate.R [output folder]
#
# writes one JSON file per data set (into this script's folder by default). Each file holds its provenance
# (R, metafor and metadat versions, the data set and its source), the data as the engine reads them (metafor's
# column names) and, for each case, the metafor call, the per-study yi and vi and the pooled results.
# tests/analysis/test_metafor_reference.py holds the engine to every number; the live test (pytest -m r) runs
# this script again and requires the same files.
#
# Conventions that the engine shares, so that both sides compute the same thing:
# - zero cells: escalc's add = 1/2 and to = "only0"; drop00 = TRUE for ratios (RR, OR, Peto's OR, IRR) and
#   FALSE for differences (RD, IRD); rma.mh and rma.peto get the same single values, so their own defaults
#   (add = 0, to = "none", drop00 = FALSE for the pooled estimate) hold for the counts they pool;
# - Paule-Mandel: metafor's root finder stops at tol = eps^0.25 (about 1e-4) by default; it is run here with
#   control = list(tol = 1e-12), so that PM is known to 1e-6 as the engine computes it;
# - a generic estimate with a 95% CI gets the SE as metafor 4's conv.wald computes it:
#   (transf(upper) - transf(lower)) / (2 * qnorm(0.975)), with transf = log for ratios.

suppressMessages(library(metafor))

args <- commandArgs(trailingOnly = TRUE)
script <- sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))
out_dir <- if (length(args) >= 1) args[1] else dirname(normalizePath(script))
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

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

write_json <- function(value, name) {
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
    fit <- rma(yi, vi, method = method, control = control)
    cases[[length(cases) + 1]] <- list(
      measure = measure, method = method, knha = FALSE, correction = correction,
      call = sprintf("rma(yi, vi, method = \"%s\"%s) with %s", method,
                     if (method == "PM") ", control = list(tol = 1e-12)" else "", call),
      yi = I(as.numeric(yi)), vi = I(as.numeric(vi)), result = pooled(fit)
    )
  }
  fit <- rma(yi, vi, method = "REML", test = "knha")
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

two_by_two_file <- function(name, d, source, extra = list(), subgroup = NULL) {
  d$study <- as.character(d$study)
  columns <- c("study", "ai", "n1i", "ci", "n2i", subgroup)
  cases <- c(two_by_two_cases(d), extra)
  write_json(list(provenance = provenance(name, source), design = "dichotomous",
                  data = column_list(d, columns), cases = cases), sub("^dat\\.", "", name))
}

# --- dichotomous ------------------------------------------------------------------------------------------------

bcg <- with(dat.bcg, data.frame(study = paste(author, year), ai = tpos, n1i = tpos + tneg, ci = cpos,
                                n2i = cpos + cneg, alloc = alloc))
by_alloc <- lapply(split(bcg, factor(bcg$alloc, levels = unique(bcg$alloc))), function(part) {
  pooled(rma.mh(measure = "RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = part))
})
loo <- leave1out(rma.mh(measure = "RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = bcg))
bcg_extra <- list(list(
  measure = "RR", method = "MH", knha = FALSE, correction = correction_of(1/2, "only0", TRUE),
  call = "rma.mh(measure = \"RR\", ai, n1i, ci, n2i) per allocation, and leave1out() of the whole",
  subgroups = by_alloc,
  leave_one_out = list(estimate = I(loo$estimate), se = I(loo$se), q = I(loo$Q), i2 = I(loo$I2))
))
two_by_two_file("dat.bcg", bcg, "BCG vaccine trials against tuberculosis (Colditz et al. 1994)", bcg_extra,
                subgroup = "alloc")

two_by_two_file("dat.egger2001", dat.egger2001, "Magnesium in acute myocardial infarction (Egger et al. 2001)")
two_by_two_file("dat.hine1989", dat.hine1989, "Lidocaine after myocardial infarction (Hine et al. 1989)")

hahn <- dat.hahn2001
hahn_extra <- c(
  two_by_two_cases(hahn, to = "all", mh = FALSE),
  two_by_two_cases(hahn, to = "if0all", mh = FALSE),
  two_by_two_cases(hahn, measures = c("RR", "OR"), drop00 = FALSE, mh = FALSE)
)
two_by_two_file("dat.hahn2001", hahn, "Reduced osmolarity rehydration in children, sparse (Hahn et al. 2001)",
                hahn_extra)

niel <- dat.nielweise2007
niel$study <- paste(niel$author, niel$year)
niel_extra <- two_by_two_cases(niel, add = 0, to = "none", iv = FALSE)
two_by_two_file("dat.nielweise2007", niel,
                "Chlorhexidine-silver sulfadiazine catheters and bloodstream infection, zero cells (Niel-Weise et al. 2007)",
                niel_extra)

# --- rates ------------------------------------------------------------------------------------------------------

rate_file <- function(name, d, source) {
  d$study <- as.character(d$study)
  write_json(list(provenance = provenance(name, source), design = "rate",
                  data = column_list(d, c("study", "x1i", "t1i", "x2i", "t2i")), cases = rate_cases(d)),
             sub("^dat\\.", "", name))
}
rate_file("dat.hart1999", dat.hart1999, "Warfarin against stroke in atrial fibrillation (Hart et al. 1999)")
niel08 <- dat.nielweise2008
niel08$study <- paste(niel08$authors, niel08$year)
rate_file("dat.nielweise2008", niel08, "Antimicrobial catheters and infections per catheter-day (Niel-Weise et al. 2008)")

# --- continuous, two groups -------------------------------------------------------------------------------------

continuous_file <- function(name, d, source) {
  write_json(list(provenance = provenance(name, source), design = "continuous",
                  data = column_list(d, c("study", "n1", "mean1", "sd1", "n2", "mean2", "sd2")),
                  cases = continuous_cases(d)), sub("^dat\\.", "", name))
}
continuous_file("dat.normand1999", with(dat.normand1999, data.frame(
  study = as.character(source), n1 = n1i, mean1 = m1i, sd1 = sd1i, n2 = n2i, mean2 = m2i, sd2 = sd2i)),
  "Length of hospital stay, specialist versus routine stroke care (Normand 1999)")
continuous_file("dat.michael2013", with(dat.michael2013, data.frame(
  study = as.character(Study), n1 = Brain_n, mean1 = Brain_m, sd1 = Brain_s, n2 = No_brain_n, mean2 = No_brain_m,
  sd2 = No_brain_s)), "Persuasiveness of an article with or without a brain image (Michael et al. 2013)")
gibson <- subset(dat.gibson2002, !is.na(m1i))
continuous_file("dat.gibson2002", with(gibson, data.frame(
  study = paste(author, year), n1 = n1i, mean1 = m1i, sd1 = sd1i, n2 = n2i, mean2 = m2i, sd2 = sd2i)),
  "Asthma self-management education, the 13 trials reporting means and SDs (Gibson et al. 2002)")

# SMD when only t (or its two-sided p) is reported: escalc(measure = "SMD", ti = ...) on the t statistics of the
# pooled-variance t tests of Michael et al.'s data; the engine gets the means with t, or with p.
michael <- with(dat.michael2013, data.frame(study = as.character(Study), n1 = Brain_n, mean1 = Brain_m,
                                            n2 = No_brain_n, mean2 = No_brain_m, s1 = Brain_s, s2 = No_brain_s))
pooled_sd <- with(michael, sqrt(((n1 - 1) * s1^2 + (n2 - 1) * s2^2) / (n1 + n2 - 2)))
michael$t <- with(michael, (mean1 - mean2) / (pooled_sd * sqrt(1 / n1 + 1 / n2)))
michael$p <- with(michael, 2 * pt(abs(t), n1 + n2 - 2, lower.tail = FALSE))
es <- escalc(measure = "SMD", ti = t, n1i = n1, n2i = n2, data = michael)
write_json(list(
  provenance = provenance("dat.michael2013", "Michael et al. (2013), reduced to means, n and the t test"),
  design = "continuous",
  data = column_list(michael, c("study", "n1", "mean1", "n2", "mean2", "t", "p")),
  cases = iv_cases(es$yi, es$vi, "SMD", NULL, "escalc(measure = \"SMD\", ti, n1i, n2i)")
), "michael2013_t")

# --- generic inverse variance -----------------------------------------------------------------------------------

generic_file <- function(name, file, d, columns, yi, vi, ratio, source, how) {
  cases <- iv_cases(yi, vi, "GEN", NULL, how)
  for (i in seq_along(cases)) cases[[i]]$ratio <- ratio
  write_json(list(provenance = provenance(name, source), design = "generic", data = column_list(d, columns),
                  cases = cases), file)
}
hack <- with(dat.hackshaw1998, data.frame(study = paste(author, year), estimate = or, ci_lower = or.lb,
                                          ci_upper = or.ub))
generic_file("dat.hackshaw1998", "hackshaw1998", hack, c("study", "estimate", "ci_lower", "ci_upper"),
             log(hack$estimate), ((log(hack$ci_upper) - log(hack$ci_lower)) / (2 * qnorm(0.975)))^2, TRUE,
             "Lung cancer in women exposed to environmental tobacco smoke, odds ratios with 95% CIs (Hackshaw et al. 1998)",
             "yi = log(or), vi = ((log(or.ub) - log(or.lb)) / (2 * qnorm(0.975)))^2, as conv.wald(transf = log)")
pignon <- with(dat.pignon2000, data.frame(study = as.character(trial), yi = OmE / V, sei = 1 / sqrt(V)))
generic_file("dat.pignon2000", "pignon2000", pignon, c("study", "yi", "sei"), pignon$yi, pignon$sei^2, FALSE,
             "Chemotherapy in head and neck cancer, log hazard ratios from O - E and V (Pignon et al. 2000)",
             "yi = OmE / V, vi = 1 / V")
lopez <- with(dat.lopez2019, data.frame(study = paste(study, treatment), yi = diff, sei = se))
generic_file("dat.lopez2019", "lopez2019", lopez, c("study", "yi", "sei"), lopez$yi, lopez$sei^2, FALSE,
             "Standardised mean changes in CBT for depression, with their SEs (Lopez et al. 2019)",
             "yi = diff, vi = se^2")
