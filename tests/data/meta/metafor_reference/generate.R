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
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))))
out_dir <- if (length(args) >= 1) args[1] else here
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
source(file.path(here, "cases.R"))

two_by_two_file <- function(name, d, source, extra = list(), subgroup = NULL) {
  d$study <- as.character(d$study)
  columns <- c("study", "ai", "n1i", "ci", "n2i", subgroup)
  cases <- c(two_by_two_cases(d), extra)
  write_json(list(provenance = provenance(name, source), design = "dichotomous",
                  data = column_list(d, columns), cases = cases), sub("^dat\\.", "", name), out_dir)
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
             sub("^dat\\.", "", name), out_dir)
}
rate_file("dat.hart1999", dat.hart1999, "Warfarin against stroke in atrial fibrillation (Hart et al. 1999)")
niel08 <- dat.nielweise2008
niel08$study <- paste(niel08$authors, niel08$year)
rate_file("dat.nielweise2008", niel08, "Antimicrobial catheters and infections per catheter-day (Niel-Weise et al. 2008)")

# --- continuous, two groups -------------------------------------------------------------------------------------

continuous_file <- function(name, d, source) {
  write_json(list(provenance = provenance(name, source), design = "continuous",
                  data = column_list(d, c("study", "n1", "mean1", "sd1", "n2", "mean2", "sd2")),
                  cases = continuous_cases(d)), sub("^dat\\.", "", name), out_dir)
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
), "michael2013_t", out_dir)

# --- generic inverse variance -----------------------------------------------------------------------------------

generic_file <- function(name, file, d, columns, yi, vi, ratio, source, how) {
  cases <- iv_cases(yi, vi, "GEN", NULL, how)
  for (i in seq_along(cases)) cases[[i]]$ratio <- ratio
  write_json(list(provenance = provenance(name, source), design = "generic", data = column_list(d, columns),
                  cases = cases), file, out_dir)
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
