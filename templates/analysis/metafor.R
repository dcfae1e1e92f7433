{% autoescape off %}# Recomputes Tandem analysis {{ run.pk }} of "{{ run.review.title }}" with metafor.
# Data: the locked extraction, fingerprint {{ run.data_fingerprint }}.
# Effect measure: {{ run.measure }} ({{ run.get_measure_display }}), assumed pre-post correlation {{ run.correlation }}
# for studies that report none; medians were converted to means (Luo/Wan/Shi) where needed.
# The effect sizes below are Tandem's; with the summaries, escalc(measure = "{{ run.measure }}", ...) gives the same.
# Model: rma(method = "{{ run.method }}", test = "{% if run.knha %}knha{% else %}z{% endif %}") per {{ run.subgroup }}.
library(metafor)
{% for key, outcome in outcomes.items %}
## {{ outcome.label }}
{{ key }} <- data.frame(
  study = c({% for s in outcome.studies %}"{{ s.study|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}),
  subgroup = c({% for s in outcome.studies %}"{{ s.subgroup|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}),
  yi = c({% for s in outcome.studies %}{{ s.yi|stringformat:".12g" }}{% if not forloop.last %}, {% endif %}{% endfor %}),
  vi = c({% for s in outcome.studies %}{{ s.vi|stringformat:".12g" }}{% if not forloop.last %}, {% endif %}{% endfor %})
)
{{ key }}_fits <- lapply(split({{ key }}, {{ key }}$subgroup), function(d)
  rma(yi, vi, data = d, method = "{{ run.method }}", test = "{% if run.knha %}knha{% else %}z{% endif %}"))
print({{ key }}_fits)
# Test for subgroup differences, separate tau^2 per subgroup (Q-between of the subgroup estimates):
est <- sapply({{ key }}_fits, function(f) f$beta[1]); se <- sapply({{ key }}_fits, function(f) f$se)
w <- 1 / se^2; Q <- sum(w * (est - sum(w * est) / sum(w))^2)
cat("Q-between =", Q, "df =", length(est) - 1, "p =", pchisq(Q, length(est) - 1, lower.tail = FALSE), "\n")
# Tandem's results for comparison:{% for group, result in outcome.subgroups.items %}
#   {{ group }}: k = {{ result.k }}, estimate {{ result.estimate|stringformat:".6f" }} [{{ result.ci_lower|stringformat:".6f" }}, {{ result.ci_upper|stringformat:".6f" }}], tau2 {{ result.tau2|stringformat:".6f" }}{% endfor %}{% if outcome.subgroup_test %}
#   Q-between {{ outcome.subgroup_test.q_between|stringformat:".6f" }}, p {{ outcome.subgroup_test.p_value|stringformat:".6g" }}{% endif %}
{% endfor %}{% endautoescape %}
