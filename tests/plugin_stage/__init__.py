"""A stage app that exists only for tests/test_plugin_stage.py: it plugs into the kernel through the stage registry
(reviews/stages.py) alone, as a new stage (risk of bias, say) would, without any edit of reviews/."""
