# SPDX-License-Identifier: AGPL-3.0-or-later
"""Orthanc's JSON files: configuration files may carry // and /* */ comments (Orthanc's
JsonCpp reader accepts them, and so do the Docker image's scripts)."""

import json
import re

_COMMENT_OR_STRING = re.compile(r'"(?:\\.|[^\\"])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)


def strip_json_comments(text):
    """`text` with its comments replaced by a space; strings (which may contain "//") kept."""
    return _COMMENT_OR_STRING.sub(lambda match: match.group(0) if match.group(0).startswith('"') else " ", text)


def load_commented_json(path):
    """The JSON document in the file `path`, comments allowed."""
    with open(path, encoding="utf-8") as source:
        return json.loads(strip_json_comments(source.read()))


def find_values(document, key):
    """Every value of `key` anywhere in a JSON document."""
    found = []
    if isinstance(document, dict):
        for (name, value) in document.items():
            if name == key:
                found.append(value)
            found += find_values(value, key)
    elif isinstance(document, list):
        for value in document:
            found += find_values(value, key)
    return found

