# metafor's results for the random data sets of the live test (tests/analysis/test_metafor_live.py).
#
#   Rscript tests/data/meta/metafor_reference/random.R <folder>
#
# reads every <design>-<name>.csv in the folder (design: dichotomous, rate, continuous or generic, with the
# engine's column names) and writes <name>.json beside it, in the format of generate.R's files.

suppressMessages(library(metafor))

here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))))
source(file.path(here, "cases.R"))
folder <- commandArgs(trailingOnly = TRUE)[1]

for (path in list.files(folder, pattern = "\\.csv$", full.names = TRUE)) {
  parts <- strsplit(sub("\\.csv$", "", basename(path)), "-", fixed = TRUE)[[1]]
  design <- parts[1]
  name <- parts[2]
  d <- read.csv(path, stringsAsFactors = FALSE)
  cases <- switch(design,
    dichotomous = suppressWarnings(two_by_two_cases(d)),
    rate = suppressWarnings(rate_cases(d)),
    continuous = continuous_cases(d),
    generic = {
      ratio_cases <- iv_cases(log(d$estimate), ((log(d$ci_upper) - log(d$ci_lower)) / (2 * qnorm(0.975)))^2,
                              "GEN", NULL, "conv.wald(transf = log) by hand")
      lapply(ratio_cases, function(case) c(case, list(ratio = TRUE)))
    }
  )
  write_json(list(provenance = provenance(paste("random", name), "random data from test_metafor_live.py"),
                  design = design, data = column_list(d, names(d)), cases = cases), name, folder)
}
