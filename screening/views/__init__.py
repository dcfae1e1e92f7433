"""Screening's pages, one module per part: the queue and conflicts (queue), full texts (fulltext), PRISMA,
agreement and the decisions download (summary), tags, and the relevance order (prioritisation)."""
