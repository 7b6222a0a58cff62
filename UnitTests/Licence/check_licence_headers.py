# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every source file of the project starts with its SPDX-License-Identifier line
(after a shebang or a doctype, which must stay first), so that the licence of any
file copied out of the project travels with it.

    check_licence_headers.py SOURCE_DIR     # exit 1 and one line per file without it
    check_licence_headers.py --fix SOURCE_DIR
"""

import os
import sys

LICENCE = "AGPL-3.0-or-later"
TAG = "SPDX-License-Identifier: " + LICENCE

# What a source file is, by its name, and how its comment is written.
COMMENT_BY_SUFFIX = {
    ".cpp": "// {}", ".h": "// {}", ".js": "// {}",
    ".py": "# {}", ".sh": "# {}", ".cmake": "# {}", ".conf": "# {}", ".in": "# {}",
    ".yml": "# {}", ".toml": "# {}", ".map": "# {}", ".cfg": "# {}",
    ".lua": "-- {}", ".html": "<!-- {} -->",
}
COMMENT_BY_NAME = {
    "CMakeLists.txt": "# {}", "Dockerfile": "# {}", "run": "# {}",
    "rules": "# {}", "postinst": "# {}", "postrm": "# {}", "prerm": "# {}",
}
# Folders that hold no source of ours: builds, caches, downloaded packages, fuzz inputs.
SKIPPED_FOLDERS = {".git", ".cache", "node_modules", "corpus", "__pycache__"}
LINES_LOOKED_AT = 3


def comment_for(name):
    if name in COMMENT_BY_NAME:
        return COMMENT_BY_NAME[name]
    return COMMENT_BY_SUFFIX.get(os.path.splitext(name)[1])


def source_files(source_dir):
    for folder, subfolders, names in os.walk(source_dir):
        subfolders[:] = sorted(s for s in subfolders
                               if s not in SKIPPED_FOLDERS and not s.startswith("build"))
        for name in sorted(names):
            if comment_for(name) is not None:
                yield os.path.join(folder, name)


def has_licence_line(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        head = [f.readline() for _ in range(LINES_LOOKED_AT)]
    return any(TAG in line for line in head)


def add_licence_line(path):
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    keep_first = bool(lines) and (lines[0].startswith("#!") or lines[0].lower().startswith("<!doctype"))
    at = 1 if keep_first else 0
    lines.insert(at, comment_for(os.path.basename(path)).format(TAG) + "\n")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)


def main(arguments):
    fix = "--fix" in arguments
    folders = [a for a in arguments if a != "--fix"]
    if len(folders) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    missing = [p for p in source_files(folders[0]) if not has_licence_line(p)]
    for path in missing:
        if fix:
            add_licence_line(path)
        else:
            print(f"{os.path.relpath(path, folders[0])}: no '{TAG}' line in its first {LINES_LOOKED_AT} lines")
    if missing and not fix:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
