"""Meta-analysis statistics as pure functions on numbers and pandas objects.

Nothing in this package imports Django: the analysis app and the ``metaanalyse``
command call into it, and its tests hold it to values published with R's metafor.
"""
