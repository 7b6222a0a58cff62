#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Checks that the modules of Plugin/ include only what they may.

The rule lives in one place, the `add_core_module(Name DEPENDS ...)` lines of the top-level
CMakeLists.txt; this check holds the sources and the module map of
Resources/Documentation/Development.md to it:

- a file of Plugin/<Module>/ includes headers of its own module and of the modules it depends
  on, directly or not, never of a module above it;
- the Orthanc SDK (<orthanc/...>) is included only by the SDK layer (Plugin/OrthancPort/ and
  Plugin/Plugin.cpp);
- JsonCpp (<json/...>) and OpenSSL (<openssl/...>) only where the module links them;
- that document's table under "## Layout" names every module directory of Plugin/ and, for each
  core module, exactly the modules CMake lets it depend on directly.

Usage: check_layout.py SOURCE_DIR. Prints every violation; exit status 1 if there is one.
"""

import os
import re
import sys

SDK_LAYER = 'OrthancPort'
EXTERNAL_INCLUDES = {            # include prefix -> the CMake target a module must link to use it
    'json/': 'OrthancCors::JsonCpp',
    'openssl/': 'OpenSSL::SSL',
}


def read_module_dependencies(cmake_lists):
    """{module: [direct dependencies]} from add_core_module(Name DEPENDS a b c)."""
    with open(cmake_lists) as f:
        text = f.read()
    modules = {}
    for name, arguments in re.findall(r'add_core_module\(\s*(\w+)([^)]*)\)', text):
        words = arguments.split()
        dependencies = words[words.index('DEPENDS') + 1:] if 'DEPENDS' in words else []
        modules[name] = dependencies
    if not modules:
        raise SystemExit(f'{cmake_lists}: no add_core_module() line found')
    return modules


def closure(modules, name):
    """Every target `name` links, directly or through the modules it depends on."""
    seen = set()
    pending = list(modules[name])
    while pending:
        target = pending.pop()
        if target in seen:
            continue
        seen.add(target)
        module = target[len('OrthancCors'):] if target.startswith('OrthancCors') else None
        if module in modules:
            pending.extend(modules[module])
    return seen


def module_of(path, plugin_dir):
    relative = os.path.relpath(path, plugin_dir)
    return relative.split(os.sep)[0] if os.sep in relative else None


def check_sources(source_dir, modules):
    plugin_dir = os.path.join(source_dir, 'Plugin')
    errors = []
    for root, _, files in os.walk(plugin_dir):
        for file_name in sorted(files):
            if not file_name.endswith(('.h', '.cpp')):
                continue
            path = os.path.join(root, file_name)
            shown = os.path.relpath(path, source_dir)
            module = module_of(path, plugin_dir)
            in_sdk_layer = module in (None, SDK_LAYER)
            if not in_sdk_layer and module not in modules:
                errors.append(f'{shown}: Plugin/{module}/ is not a module of CMakeLists.txt')
                continue
            linked = set() if in_sdk_layer else closure(modules, module)
            with open(path, encoding='utf-8') as f:
                for number, line in enumerate(f, 1):
                    match = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
                    if not match:
                        continue
                    where = f'{shown}:{number}'
                    delimiter, header = match.groups()
                    if delimiter == '"':
                        target = os.path.normpath(os.path.join(root, header))
                        if not target.startswith(plugin_dir + os.sep):
                            errors.append(f'{where}: includes "{header}", outside Plugin/')
                            continue
                        included = module_of(target, plugin_dir)
                        if in_sdk_layer or included == module:
                            continue
                        if included is None or included == SDK_LAYER:
                            errors.append(f'{where}: the core module {module} includes the SDK layer ("{header}")')
                        elif 'OrthancCors' + included not in linked:
                            errors.append(f'{where}: {module} includes {included} ("{header}"), '
                                          f'which is not among its dependencies in CMakeLists.txt')
                    elif header.startswith('orthanc/') and not in_sdk_layer:
                        errors.append(f'{where}: only Plugin/{SDK_LAYER}/ and Plugin/Plugin.cpp include the Orthanc SDK')
                    else:
                        for prefix, target in EXTERNAL_INCLUDES.items():
                            if header.startswith(prefix) and not in_sdk_layer and target not in linked:
                                errors.append(f'{where}: {module} includes <{header}> without linking {target}')
    return errors


# The document whose "## Layout" table maps the modules.
MODULE_MAP = 'Resources/Documentation/Development.md'


def check_readme(source_dir, modules):
    with open(os.path.join(source_dir, MODULE_MAP), encoding='utf-8') as f:
        readme = f.read()
    section = re.search(r'^## Layout\n(.*?)(?=^## )', readme, re.M | re.S)
    if not section:
        return [f'{MODULE_MAP}: no "## Layout" section']
    rows = {}
    for line in section.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip('|').split('|')]
        name = re.fullmatch(r'`Plugin/(\w+)/`', cells[0]) if len(cells) >= 3 else None
        if name:
            rows[name.group(1)] = set(re.findall(r'`(\w+)`', cells[-1]))
    errors = []
    plugin_dir = os.path.join(source_dir, 'Plugin')
    directories = sorted(d for d in os.listdir(plugin_dir) if os.path.isdir(os.path.join(plugin_dir, d)))
    for directory in directories:
        if directory not in rows:
            errors.append(f'{MODULE_MAP}, Layout: no row for Plugin/{directory}/')
    for name, listed in rows.items():
        if name not in directories:
            errors.append(f'{MODULE_MAP}, Layout: Plugin/{name}/ does not exist')
        elif name in modules:
            expected = {d[len('OrthancCors'):] for d in modules[name]
                        if d.startswith('OrthancCors') and d[len('OrthancCors'):] in modules}
            if listed != expected:
                errors.append(f'{MODULE_MAP}, Layout: Plugin/{name}/ may include {sorted(listed)} there, '
                              f'{sorted(expected)} in CMakeLists.txt')
    return errors


def main():
    if len(sys.argv) != 2:
        raise SystemExit('usage: check_layout.py SOURCE_DIR')
    source_dir = os.path.abspath(sys.argv[1])
    modules = read_module_dependencies(os.path.join(source_dir, 'CMakeLists.txt'))
    errors = check_sources(source_dir, modules) + check_readme(source_dir, modules)
    for error in errors:
        print(error)
    print(f'{len(modules)} core modules; {len(errors)} layout violation(s)')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
