"""Risk of bias and certainty of evidence: tools as data, their algorithms, GRADE proposals and plots.

Pure code for now (no Django models): the stage app that stores assessments comes with the stage registry (issue 16).
"""
