// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <string>

namespace OrthancCors
{
  // The absolute, canonical path of an existing directory the plugin can list
  // and read; otherwise a ConfigurationError naming `key` and the path. Relative
  // paths are taken from Orthanc's working directory.
  std::string ResolveReadableDirectory(const std::string& path, const std::string& key);

  // The same for a regular file the plugin can read (certificates, keys).
  std::string ResolveReadableFile(const std::string& path, const std::string& key);

  // The same for a directory where the plugin creates files (temporary files).
  std::string ResolveWritableDirectory(const std::string& path, const std::string& key);

  // $TMPDIR when it is set, else "/tmp".
  std::string GetSystemTemporaryFolder();
}
