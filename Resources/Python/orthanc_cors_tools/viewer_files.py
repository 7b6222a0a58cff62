# SPDX-License-Identifier: AGPL-3.0-or-later
"""A stand-in for a viewer build, for the tests of served folders ("Folders" in the
Cors section): an index.html and a script, whose contents the tests compare."""

import os

INDEX = b"<!doctype html><title>viewer</title>\n"
SCRIPT = b"console.log('viewer');\n"


def make_viewer(root, name):
    """root/name holding index.html (INDEX) and app.js (SCRIPT); returns its path."""
    folder = os.path.join(root, name)
    os.makedirs(folder)
    for (file_name, content) in (("index.html", INDEX), ("app.js", SCRIPT)):
        with open(os.path.join(folder, file_name), "wb") as output:
            output.write(content)
    return folder
