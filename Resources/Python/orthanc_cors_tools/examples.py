# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the tests read from the deployment examples of Resources/Examples/: the nginx
directives of an example, and the embedded shape's portal page and headers, so that
the end-to-end suite's portal is the example itself, not a copy that could drift."""

import os
import re

# The source tree whose examples are read: the one this file is in (PYTHONPATH=
# <source>/Resources/Python), or ORTHANC_CORS_SOURCE_DIR when the package is
# installed elsewhere (pip install ./Resources/Python).
SOURCE_DIR = os.environ.get("ORTHANC_CORS_SOURCE_DIR") or \
    os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
EXAMPLES_DIR = os.path.join(SOURCE_DIR, "Resources", "Examples")
EMBEDDED_DIR = os.path.join(EXAMPLES_DIR, "Embedded")
# The iframe's src in Embedded/portal.html: the gateway of the example.
EMBEDDED_VIEWER_URL = "https://pacs.hospital.example:8043/"


def nginx_directives(path, name):
    """The arguments of every `name` directive of an nginx configuration, comments left out."""
    with open(path, encoding="utf-8") as source:
        text = "\n".join(line.split("#", 1)[0] for line in source)
    return [match.split() for match in re.findall(r"(?:^|[;{}\s])" + re.escape(name) + r"\s+([^;]+);", text)]


def embedded_portal_headers():
    """[(name, value)] that Embedded/nginx.conf makes the portal's server send."""
    return [(arguments[0], arguments[1]) for arguments in
            nginx_directives(os.path.join(EMBEDDED_DIR, "nginx.conf"), "add_header")]


def embedded_portal_page(viewer_url):
    """Embedded/portal.html with its iframe pointing at `viewer_url`."""
    with open(os.path.join(EMBEDDED_DIR, "portal.html"), encoding="utf-8") as source:
        page = source.read()
    attribute = 'src="%s"' % EMBEDDED_VIEWER_URL
    if page.count(attribute) != 1:
        raise ValueError("Embedded/portal.html: expected one iframe with %s" % attribute)
    return page.replace(attribute, 'src="%s"' % viewer_url)
