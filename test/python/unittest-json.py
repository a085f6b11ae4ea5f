"""Runs the Python SDK's tests (python/tests, `python3 -m unittest` discovery) for test/python/sdk.test.ts.

  unittest-json.py --list        prints the test ids as a JSON array
  unittest-json.py OUT.json      runs them (verbose output on stderr) and writes each one's outcome to OUT.json:
                                 {"tests": {id: {"outcome": "passed|failed|skipped|not run", "detail": text}},
                                  "setupErrors": [text]}   (an error outside a test: setUpModule, a class fixture)
"""
import json
import os
import sys
import unittest

here = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "python")
sys.path.insert(0, here)
os.chdir(here)
suite = unittest.defaultTestLoader.discover("tests", top_level_dir=".")


def flatten(s):
    for t in s:
        if isinstance(t, unittest.TestSuite):
            yield from flatten(t)
        else:
            yield t


ids = [t.id() for t in flatten(suite)]
if sys.argv[1:] == ["--list"]:
    print(json.dumps(ids))
    sys.exit(0)

class Recording(unittest.TextTestResult):
    """Records the tests that passed: a test that never ran (its module's setup failed) is not counted as passed."""

    passed = []

    def addSuccess(self, test):
        super().addSuccess(test)
        Recording.passed.append(test.id())


result = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=Recording).run(suite)
tests = {i: {"outcome": "not run", "detail": ""} for i in ids}
for i in Recording.passed:
    tests[i] = {"outcome": "passed", "detail": ""}
setup_errors = []
for outcome, pairs in (("failed", result.failures), ("failed", result.errors), ("skipped", result.skipped)):
    for test, detail in pairs:
        if test.id() in tests:
            tests[test.id()] = {"outcome": outcome, "detail": detail}
        else:
            setup_errors.append("{}\n{}".format(test.id(), detail))
for test in result.unexpectedSuccesses:
    tests[test.id()] = {"outcome": "failed", "detail": "unexpected success"}
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump({"tests": tests, "setupErrors": setup_errors}, f)
