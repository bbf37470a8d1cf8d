#!/bin/sh
# Regenerates the reference values test_stats checks mb_stats against, from
# the *_a.txt / *_b.txt pairs in this folder (blank lines and # comments
# skipped, as mapbench reads them):
#   expected-scipy.txt  scipy.stats.ttest_ind(b, a, equal_var=False) for t and p;
#                       df and the standard error from the function ttest_ind
#                       uses for them (scipy 1.10 returns neither, nor has
#                       confidence_interval()); the 95% interval of
#                       mean(b) - mean(a) from scipy.stats.t.ppf at that df;
#                       scipy.stats.mannwhitneyu(a, b)
#   expected-r.txt      R's t.test(b, a) (Welch's by default)
# Run from anywhere: [PYTHON=python3] sh tests/data/compare/regenerate.sh  (needs python with
# scipy >= 1.10 and Rscript; make check does not run it).
set -eu
cd "$(dirname "$0")"
pairs=$(ls *_a.txt | sed 's/_a\.txt$//')

"${PYTHON:-python3}" - $pairs >expected-scipy.txt <<'PY'
import sys
import warnings
warnings.simplefilter("ignore")
import numpy as np
from scipy import stats
from scipy.stats._stats_py import _unequal_var_ttest_denom
def load(path):
    return np.array([float(l) for l in open(path)
                     if l.strip() and not l.lstrip().startswith("#")])
print("# pair t df p diff_ci95_low diff_ci95_high u1 u_p u_method  (scipy %s)"
      % __import__("scipy").__version__)
for name in sys.argv[1:]:
    a, b = load(name + "_a.txt"), load(name + "_b.txt")
    r = stats.ttest_ind(b, a, equal_var=False)
    diff = b.mean() - a.mean()
    df, se = _unequal_var_ttest_denom(b.var(ddof=1), len(b), a.var(ddof=1), len(a))
    h = stats.t.ppf(0.975, df) * se
    ci = (diff - h, diff + h)
    u = stats.mannwhitneyu(a, b)
    ties = len(np.unique(np.concatenate([a, b]))) != len(a) + len(b)
    method = "normal" if (len(a) > 8 and len(b) > 8) or ties else "exact"
    print(name, *("%.17g" % v for v in (r.statistic, df, r.pvalue, ci[0],
                                        ci[1], u.statistic, u.pvalue)), method)
PY

Rscript --vanilla - $pairs >expected-r.txt <<'R'
load <- function(path) {
  l <- trimws(readLines(path))
  as.numeric(l[l != "" & !startsWith(l, "#")])
}
cat(sprintf("# pair t df p diff_ci95_low diff_ci95_high  (%s)\n", R.version.string))
for (name in commandArgs(trailingOnly = TRUE)) {
  r <- t.test(load(paste0(name, "_b.txt")), load(paste0(name, "_a.txt")))
  cat(name, sprintf("%.17g", c(r$statistic, r$parameter, r$p.value, r$conf.int)), "\n")
}
R
