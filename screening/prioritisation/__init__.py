"""Relevance order for title/abstract screening and when to stop: pure code, no Django.

``model`` turns texts and the decisions so far into an order of the unscreened records,
``stopping`` turns the screening history into a recall curve, an estimate of what is left
and the hypergeometric stopping test, and ``evaluation`` holds the simulation metrics
(WSS, RRF) that ``bench/prioritisation.py`` reports. The screening app calls in; nothing
here knows about records, reviews or users.
"""
