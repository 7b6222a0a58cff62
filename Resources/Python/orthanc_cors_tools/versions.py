# SPDX-License-Identifier: AGPL-3.0-or-later
"""Prints the versions of the Orthanc that ORTHANC_BINARY runs and of its DICOMweb
plugin, as the running server reports them; Resources/run-tests.sh prints them
before each test run:

    PYTHONPATH=Resources/Python python3 -m orthanc_cors_tools.versions [label]
"""

import sys

from orthanc_cors_tools.orthanc import DICOMWEB_PLUGIN, ORTHANC_BINARY, OrthancInstance


def main(arguments):
    label = arguments[0] if arguments else "Orthanc under test"
    with OrthancInstance(plugins=[DICOMWEB_PLUGIN]) as orthanc:
        versions = orthanc.versions()
    print("%s: Orthanc %s with DICOMweb %s (%s)"
          % (label, versions["Orthanc"], versions.get("DICOMweb", "not loaded"), ORTHANC_BINARY))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
