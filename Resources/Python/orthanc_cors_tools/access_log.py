# SPDX-License-Identifier: AGPL-3.0-or-later
"""The gateway's access log (Cors.Gateway.AccessLog) read back: nginx's combined
format, then the request time and the CORS outcome (Configuration.md, Access log).
Its lines are written by a thread of their own, just after the answer: wait for them."""

import re

from orthanc_cors_tools.testing import wait_for

# client - - [time] "request" status bytes "referer" "agent" seconds outcome
LINE = re.compile(r'^(?P<client>\S+) - - \[(?P<time>\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] '
                  r'"(?P<request>[^"]*)" (?P<status>\d{3}) (?P<bytes>\d+) "(?P<referer>[^"]*)" '
                  r'"(?P<agent>[^"]*)" (?P<seconds>\d+\.\d{3}) (?P<outcome>\S+)$')

SETTLE_SECONDS = 10


def read_lines(path):
    """The log's lines; none while the file does not exist."""
    try:
        with open(path, encoding="utf-8") as log:
            return log.read().splitlines()
    except FileNotFoundError:
        return []


def wait_for_lines(path, count, containing=None, skip=0, timeout=SETTLE_SECONDS):
    """The lines past the first `skip` (only those holding `containing`, if given)
    once there are at least `count` of them, or whatever there is after `timeout`
    seconds: the caller asserts on what it gets."""
    def lines():
        return [line for line in read_lines(path)[skip:] if containing is None or containing in line]

    wait_for(lambda: len(lines()) >= count, timeout)
    return lines()
