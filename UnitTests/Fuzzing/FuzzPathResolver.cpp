// SPDX-License-Identifier: AGPL-3.0-or-later
// Folder path resolution. Input: a request-target. Invariants: a decoded path
// starts with '/', has no "." or ".." segment, no empty segment, no NUL or '\';
// a file resolved in the test folder is always inside the folder's canonical path.

#include "FuzzSupport.h"
#include "Common/TargetPath.h"
#include "Folders/PathResolver.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;
namespace fs = std::filesystem;

namespace
{
  // A small tree with a symbolic link leading out of it, made once per process:
  //   <tmp>/outside.txt, <tmp>/root/index.html, <tmp>/root/a/b.js,
  //   <tmp>/root/escape -> ../outside.txt, <tmp>/root/up -> ..
  const fs::path& Folder()
  {
    static const fs::path folder = []
    {
      const fs::path base = fs::temp_directory_path() / ("orthanc-cors-fuzz-" + std::to_string(getpid()));
      fs::create_directories(base / "root" / "a");
      std::ofstream(base / "outside.txt") << "secret";
      std::ofstream(base / "root" / "index.html") << "<html>";
      std::ofstream(base / "root" / "a" / "b.js") << "b";
      std::error_code ignored;
      fs::create_symlink("../outside.txt", base / "root" / "escape", ignored);
      fs::create_directory_symlink("..", base / "root" / "up", ignored);
      std::atexit([] { std::error_code e; fs::remove_all(fs::temp_directory_path() /
                                                         ("orthanc-cors-fuzz-" + std::to_string(getpid())), e); });
      return fs::canonical(base / "root");
    }();
    return folder;
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view target(reinterpret_cast<const char*>(data), size);

  const std::optional<std::string> decoded = DecodeRequestPath(target);
  if (decoded)
  {
    Require(!decoded->empty() && (*decoded)[0] == '/', "a decoded path starts with '/'");
    Require(decoded->find('\0') == std::string::npos && decoded->find('\\') == std::string::npos,
            "a decoded path has no NUL or backslash");
    std::size_t start = 1;
    while (start <= decoded->size())
    {
      std::size_t end = decoded->find('/', start);
      if (end == std::string::npos)
      {
        end = decoded->size();
      }
      const std::string_view segment(decoded->data() + start, end - start);
      Require(segment != "." && segment != "..", "no dot segment survives decoding");
      Require(!segment.empty() || end == decoded->size(), "no empty segment but a trailing slash");
      start = end + 1;
    }
  }

  // The encoding of an already decoded path decodes back to it (or is refused).
  const std::string encoded = EncodeDecodedPath(target);
  const std::optional<std::string> roundTrip = DecodeRequestPath(encoded);
  if (roundTrip)
  {
    Require(*roundTrip == target, "EncodeDecodedPath is undone by DecodeRequestPath");
  }

  const std::string relative = decoded ? decoded->substr(1) : std::string(target);
  const std::optional<fs::path> resolved = ResolveFileInFolder(Folder(), relative);
  if (resolved)
  {
    const std::string folder = Folder().string() + "/";
    Require(resolved->string().compare(0, folder.size(), folder) == 0, "a resolved file is inside the folder");
    Require(fs::is_regular_file(*resolved), "a resolved path is a regular file");
  }
  return 0;
}
