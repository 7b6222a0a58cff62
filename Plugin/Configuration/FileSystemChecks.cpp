// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FileSystemChecks.h"

#include "ConfigurationError.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <unistd.h>

namespace OrthancCors
{
  namespace
  {
    enum class Expected
    {
      Directory,
      WritableDirectory,
      File
    };

    std::string Resolve(const std::string& path, const std::string& key, Expected expected)
    {
      const bool directory = (expected != Expected::File);
      const std::string what = (directory ? "directory" : "file");

      if (path.empty())
      {
        throw ConfigurationError(key, "the path of a " + what + " is required");
      }

      std::error_code error;
      const std::filesystem::path canonical = std::filesystem::canonical(path, error);
      if (error)
      {
        throw ConfigurationError(key, "\"" + path + "\": " + error.message());
      }

      const std::filesystem::file_status status = std::filesystem::status(canonical, error);
      const bool rightKind = !error && (directory ?
                                        std::filesystem::is_directory(status) :
                                        std::filesystem::is_regular_file(status));
      if (!rightKind)
      {
        throw ConfigurationError(key, "\"" + path + "\" is not a " + what);
      }

      // A directory must also be searchable to reach its files.
      const int mode = (directory ? R_OK | X_OK : R_OK);
      if (::access(canonical.c_str(), mode) != 0)
      {
        throw ConfigurationError(key, "\"" + path + "\" is not readable by Orthanc's user");
      }
      if (expected == Expected::WritableDirectory && ::access(canonical.c_str(), W_OK | X_OK) != 0)
      {
        throw ConfigurationError(key, "\"" + path + "\" is not writable by Orthanc's user");
      }

      return canonical.string();
    }
  }

  std::string ResolveReadableDirectory(const std::string& path, const std::string& key)
  {
    return Resolve(path, key, Expected::Directory);
  }

  std::string ResolveReadableFile(const std::string& path, const std::string& key)
  {
    return Resolve(path, key, Expected::File);
  }

  std::string ResolveWritableDirectory(const std::string& path, const std::string& key)
  {
    return Resolve(path, key, Expected::WritableDirectory);
  }

  std::string GetSystemTemporaryFolder()
  {
    const char* folder = std::getenv("TMPDIR");
    return (folder != nullptr && folder[0] != '\0') ? folder : "/tmp";
  }
}
