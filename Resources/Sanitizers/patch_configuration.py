# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes a copy of an Orthanc configuration file with "MallocArenaMax": 0, for
orthanc-with-sanitizers.sh: ASan makes mallopt() fail, and Orthanc stops when
mallopt(M_ARENA_MAX) fails; 0 tells it not to call mallopt at all.

    PYTHONPATH=Resources/Python python3 patch_configuration.py CONFIGURATION.json COPY.json

The configuration may carry comments (Orthanc's reader accepts them); the copy has none.
"""

import json
import sys

from orthanc_cors_tools.orthanc_json import load_commented_json


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    configuration = load_commented_json(sys.argv[1])
    configuration["MallocArenaMax"] = 0
    with open(sys.argv[2], "w", encoding="utf-8") as target:
        json.dump(configuration, target, indent=2)


if __name__ == "__main__":
    main()
