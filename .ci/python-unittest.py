"""Runs the Python SDK's tests (python/tests, `python3 -m unittest` discovery) and writes their counts as JSON to
argv[1] for .ci/run's final line: {"passed": N, "failed": N, "skipped": N}. An error in a module's setup (the daemon
did not start) counts as one failure. Exits 1 when anything failed."""
import json
import os
import sys
import unittest

here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python")
sys.path.insert(0, here)
os.chdir(here)
suite = unittest.defaultTestLoader.discover("tests", top_level_dir=".")
result = unittest.TextTestRunner(verbosity=2).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
counts = {"passed": max(0, result.testsRun - failed - skipped), "failed": failed, "skipped": skipped}
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(counts, f)
sys.exit(0 if failed == 0 else 1)
