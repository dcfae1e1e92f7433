{% load analysis_tags %}{% autoescape off %}# Recomputes Tandem analysis {{ run.pk }} with R's metafor and sets metafor's numbers beside Tandem's.
# Every text from the review (title, labels, study names, subgroups) is an escaped R string literal, never code.
# Review: {{ run.review.title|r_string }}
# Data: the locked extraction, fingerprint {{ run.data_fingerprint|r_string }}.
# Within-arm effect measure: {{ run.measure|r_string }}, {{ run.get_measure_display|r_string }}; each outcome's measure and
# method head its data below. The effect sizes (yi, vi) are Tandem's;
# medians were converted to means (Luo/Wan/Shi) where needed, and studies that report no pre-post correlation
# assume {{ run.correlation|r_number }}. Subgroups are the values of the form field {{ run.subgroup|r_string }}.
library(metafor)

test <- {{ test|r_string }}
COUNT_METHODS <- c("MH", "PETO")

# One outcome's model. Mantel-Haenszel (rma.mh) and Peto (rma.peto) pool the counts as reported, each with the
# outcome's own measure; their per-study effects serve the test of heterogeneity only, and, as in Tandem, a
# double-zero study is left out of those for a ratio but kept (a difference of 0) for RD and IRD. Every other
# method pools the effect sizes by inverse variance (rma); a single study has no residual degrees of freedom, so
# it is tested with z even under Hartung-Knapp. metafor stops its search for the Paule-Mandel tau^2 at 1e-4 by
# default; Tandem solves for it to 1e-12, as here.
fit <- function(d, method, measure) {
  ratio <- !(measure %in% c("RD", "IRD"))
  if (method == "MH" && measure %in% c("IRR", "IRD")) {
    return(rma.mh(x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i, measure = measure, data = d, drop00 = c(ratio, FALSE)))
  }
  if (method == "MH") {
    return(rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = measure, data = d, drop00 = c(ratio, FALSE)))
  }
  if (method == "PETO") {
    return(rma.peto(ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d))
  }
  control <- if (method == "PM") list(tol = 1e-12) else list()
  rma(yi, vi, data = d, method = method, test = if (nrow(d) > 1) test else "z", control = control)
}

# One pooled effect with the numbers Tandem reports; subgroup NA stands for all studies.
pool <- function(outcome, subgroup, d, method, measure) {
  f <- fit(d, method, measure)
  p <- predict(f)
  # A common-effect model predicts no spread between settings: its prediction interval is the CI.
  pi <- if (is.null(p$pi.lb)) c(p$ci.lb, p$ci.ub) else c(p$pi.lb, p$pi.ub)
  # rma.mh and rma.peto test heterogeneity over the k.yi studies with an effect of their own.
  q_df <- if (method %in% COUNT_METHODS) max(f$k.yi - 1, 0) else f$k - f$p
  data.frame(outcome = outcome, subgroup = subgroup, k = f$k, estimate = f$beta[1], se = f$se,
             ci_lower = f$ci.lb, ci_upper = f$ci.ub, pi_lower = pi[1], pi_upper = pi[2], z_or_t = f$zval,
             p_value = f$pval, tau2 = f$tau2, i2 = f$I2, h2 = f$H2, q = f$QE, q_df = q_df, q_p_value = f$QEp)
}

# All studies, each subgroup, and the tests for subgroup differences (common tau^2 for inverse variance only).
analyse <- function(outcome, d, method, measure) {
  # An outcome without a grouping field has no subgroups (NA).
  groups <- unique(d$subgroup[!is.na(d$subgroup)])
  each <- lapply(groups, function(g) pool(outcome, g, d[d$subgroup == g, ], method, measure))
  pooled <- do.call(rbind, c(list(pool(outcome, NA, d, method, measure)), each))
  tests <- NULL
  if (length(groups) > 1) {
    # Separate tau^2 per subgroup: Q-between of the subgroup estimates (RevMan, meta).
    sub <- pooled[-1, ]
    w <- 1 / sub$se^2
    q <- sum(w * (sub$estimate - sum(w * sub$estimate) / sum(w))^2)
    tests <- data.frame(outcome = outcome, test = "separate tau2", statistic = q, df1 = length(groups) - 1, df2 = NA,
                        p_value = pchisq(q, length(groups) - 1, lower.tail = FALSE))
    if (!(method %in% COUNT_METHODS) && nrow(d) > length(groups)) {
      # Common tau^2: Wald test of the subgroup factor in one mixed-effects model (an F test with Hartung-Knapp).
      control <- if (method == "PM") list(tol = 1e-12) else list()
      f <- rma(yi, vi, mods = ~ factor(subgroup, levels = groups), data = d, method = method, test = test,
               control = control)
      tests <- rbind(tests, data.frame(outcome = outcome, test = "common tau2", statistic = f$QM, df1 = f$QMdf[1],
                                       df2 = f$QMdf[2], p_value = f$QMp))
    }
  }
  list(pooled = pooled, tests = tests)
}

# The meta-regression of an outcome on its moderator, a numeric form field: rma(..., mods = ~ moderator) with the
# run's tau^2 estimator (and test), whatever the outcome's pooling method; studies without the moderator, or
# without an effect of their own, are left out. Its test of the moderator joins the tests.
regress <- function(outcome, d, method) {
  control <- if (method == "PM") list(tol = 1e-12) else list()
  f <- rma(yi, vi, mods = ~ moderator, data = d[!is.na(d$moderator) & !is.na(d$yi), ], method = method,
           test = test, control = control)
  print(f)
  data.frame(outcome = outcome, test = "meta-regression", statistic = f$QM, df1 = f$QMdf[1], df2 = f$QMdf[2],
             p_value = f$QMp)
}

analyses <- list()
{% for outcome in outcomes %}
## {{ outcome.label|r_string }}: measure {{ outcome.measure|r_string }}, method {{ outcome.method|r_string }}
studies <- data.frame(
  study = c({% for s in outcome.studies %}{{ s.study|r_string }}{% if not forloop.last %}, {% endif %}{% endfor %}),
  subgroup = c({% for s in outcome.studies %}{% if s.subgroup is None %}NA{% else %}{{ s.subgroup|r_string }}{% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}),{% for name, values in outcome.counts %}
  {{ name }} = c({% for value in values %}{{ value|r_number }}{% if not forloop.last %}, {% endif %}{% endfor %}),{% endfor %}{% if outcome.meta_regression %}
  moderator = c({% for s in outcome.studies %}{{ s.moderator|r_number }}{% if not forloop.last %}, {% endif %}{% endfor %}),{% endif %}
  yi = c({% for s in outcome.studies %}{{ s.yi|r_number }}{% if not forloop.last %}, {% endif %}{% endfor %}),
  vi = c({% for s in outcome.studies %}{{ s.vi|r_number }}{% if not forloop.last %}, {% endif %}{% endfor %})
)
analyses[[{{ outcome.key|r_string }}]] <- analyse({{ outcome.key|r_string }}, studies, {{ outcome.method|r_string }}, {{ outcome.measure|r_string }})
{% if outcome.meta_regression %}# Meta-regression on {{ outcome.meta_regression.label|r_string }} (form field {{ outcome.meta_regression.field|r_string }}).
analyses[[{{ outcome.key|r_string }}]]$tests <- rbind(analyses[[{{ outcome.key|r_string }}]]$tests,
                                    regress({{ outcome.key|r_string }}, studies, {{ run.method|r_string }}))
{% endif %}{% endfor %}
metafor_pooled <- do.call(rbind, lapply(analyses, `[[`, "pooled"))
metafor_tests <- do.call(rbind, lapply(analyses, `[[`, "tests"))
rownames(metafor_pooled) <- NULL
rownames(metafor_tests) <- NULL
print(metafor_pooled)
print(metafor_tests)

# Tandem's results, and the largest difference from metafor's in each column.
tandem_pooled <- rbind({% for row in tandem_rows %}
  data.frame(outcome = {{ row.outcome|r_string }}, subgroup = {% if row.subgroup is None %}NA{% else %}{{ row.subgroup|r_string }}{% endif %}{% for column, value in row.numbers %}, {{ column }} = {{ value|r_number }}{% endfor %}){% if not forloop.last %},{% endif %}{% endfor %}
)
compared <- merge(metafor_pooled, tandem_pooled, by = c("outcome", "subgroup"), suffixes = c("", "_tandem"))
columns <- setdiff(names(tandem_pooled), c("outcome", "subgroup"))
difference <- sapply(columns, function(column) {
  gap <- abs(compared[[column]] - compared[[paste0(column, "_tandem")]])
  if (all(is.na(gap))) NA else max(gap, na.rm = TRUE)
})
cat("Largest absolute difference between metafor and Tandem, over", nrow(compared), "of", nrow(tandem_pooled), "results:\n")
print(signif(difference, 3))
{% endautoescape %}
