"""The appraisal core is pure: it imports and runs without Django or its settings."""

import os
import subprocess
import sys


def test_the_core_imports_without_django():
    code = (
        "import sys; import appraisal.algorithm, appraisal.grade, appraisal.loader, appraisal.nos, appraisal.plots; "
        "appraisal.loader.load('rob2'); assert not any(m.startswith('django') for m in sys.modules), 'django imported'"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
