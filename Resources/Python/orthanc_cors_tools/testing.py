# SPDX-License-Identifier: AGPL-3.0-or-later
"""unittest glue: one Orthanc per test, or one per test class (or anything else that
starts and cleans up, such as a scale-out cluster), stopped when the test (or the
class) ends and kept on disk when it failed."""

import time
import unittest

from orthanc_cors_tools.orthanc import OrthancInstance
from orthanc_cors_tools.processes import POLL_INTERVAL


def start_orthanc(test, ready_port=None, **options):
    """Starts an OrthancInstance(**options) for one test and stops it when the test
    ends (addCleanup), keeping its folder if the test failed."""
    instance = OrthancInstance(**options)
    try:
        instance.start(ready_port=ready_port)
    except BaseException:
        instance.cleanup(failed=True)
        raise
    test.addCleanup(lambda: instance.cleanup(failed=has_failed(test)))
    return instance


def wait_for(condition, timeout, interval=POLL_INTERVAL):
    """Polls `condition()` until it is true (returns True) or `timeout` seconds have
    passed (returns False): a bounded wait, for the caller to assert on."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def has_failed(test):
    """Whether `test` (or one of its subTests) has failed so far; meant for cleanups,
    which unittest runs after the test method. Unknown -> True, so that a folder is
    kept rather than lost."""
    outcome = getattr(test, "_outcome", None)
    result = getattr(outcome, "result", None)
    if result is None:
        return True
    for (failed, _) in list(getattr(result, "errors", [])) + list(getattr(result, "failures", [])):
        if failed is test or getattr(failed, "test_case", None) is test:
            return True
    return False


class OrthancTestCase(unittest.TestCase):
    """Base class: one Orthanc per test (self.start_orthanc), or one shared by the
    class (cls.start_class_orthanc in setUpClass), kept on disk if a test failed."""

    _class_had_failure = False

    def setUp(self):
        super().setUp()
        self.addCleanup(self._record_failure)

    def _record_failure(self):
        if has_failed(self):
            type(self)._class_had_failure = True

    def start_orthanc(self, **options):
        return start_orthanc(self, **options)

    @classmethod
    def start_class_orthanc(cls, **options):
        return cls.start_class_resource(OrthancInstance(**options))

    @classmethod
    def start_class_resource(cls, resource):
        """Starts `resource` for the whole class: anything with start() and
        cleanup(failed), such as an OrthancInstance, a postgresql.PostgresqlServer
        or a scale_out.ScaleOutCluster. Cleaned up when the class ends (kept on disk
        if one of its tests failed), or at once if it does not start."""
        try:
            resource.start()
        except BaseException:
            resource.cleanup(failed=True)
            raise
        cls._class_had_failure = False
        cls.addClassCleanup(lambda: resource.cleanup(failed=cls._class_had_failure))
        return resource
