// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PathResolver.h"

#include "../Common/HexDigit.h"
#include "../Common/TargetPath.h"

#include <algorithm>
#include <system_error>

namespace OrthancCors
{
  namespace
  {
    const std::string_view WELL_KNOWN = ".well-known";

    // Characters that never appear in a file name we are willing to serve,
    // whether they arrive raw or percent-encoded.
    bool IsForbiddenCharacter(unsigned char c)
    {
      return c < 0x20 || c == 0x7f || c == '\\';
    }

    bool IsDotSegment(std::string_view segment)
    {
      return segment == "." || segment == "..";
    }

    // Checks one segment of a decoded path. `isLast` allows the empty last segment
    // of a path ending with '/'.
    bool IsAcceptableSegment(std::string_view segment, bool isLast)
    {
      if (segment.empty())
      {
        return isLast;
      }
      return !IsDotSegment(segment) &&
        segment.find('/') == std::string_view::npos &&
        std::none_of(segment.begin(), segment.end(),
                     [](char c) { return IsForbiddenCharacter(static_cast<unsigned char>(c)); });
    }

    // Calls `visit(segment, isLast)` for each '/'-separated segment of `path`
    // (no leading '/'); stops and returns false as soon as a visit does.
    template <typename Visitor>
    bool ForEachSegment(std::string_view path, Visitor visit)
    {
      while (true)
      {
        const size_t slash = path.find('/');
        if (slash == std::string_view::npos)
        {
          return visit(path, true);
        }
        if (!visit(path.substr(0, slash), false))
        {
          return false;
        }
        path.remove_prefix(slash + 1);
      }
    }

    bool IsInside(const std::filesystem::path& root, const std::filesystem::path& candidate)
    {
      // Component-wise, so that "/srv/ohif-old" is not taken to be inside "/srv/ohif".
      auto [rootEnd, candidateEnd] = std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end());
      return rootEnd == root.end();
    }
  }


  std::optional<std::string> DecodeRequestPath(std::string_view target)
  {
    target = TargetPath(target);

    if (target.empty() || target.front() != '/')
    {
      return std::nullopt;
    }

    std::string decoded;
    decoded.reserve(target.size());
    for (size_t i = 0; i < target.size(); i++)
    {
      unsigned char c = static_cast<unsigned char>(target[i]);
      if (c == '%')
      {
        if (i + 2 >= target.size())
        {
          return std::nullopt;
        }
        const int high = HexDigitValue(target[i + 1]);
        const int low = HexDigitValue(target[i + 2]);
        if (high < 0 || low < 0)
        {
          return std::nullopt;
        }
        c = static_cast<unsigned char>(high * 16 + low);
        if (c == '/')
        {
          return std::nullopt;   // an encoded separator would hide a segment boundary
        }
        i += 2;
      }

      if (IsForbiddenCharacter(c))
      {
        return std::nullopt;
      }
      decoded.push_back(static_cast<char>(c));
    }

    const bool acceptable = ForEachSegment(std::string_view(decoded).substr(1), [](std::string_view segment, bool isLast)
    {
      return IsAcceptableSegment(segment, isLast);
    });
    if (!acceptable)
    {
      return std::nullopt;
    }
    return decoded;
  }


  bool IsHiddenPath(std::string_view relativePath)
  {
    const bool visible = ForEachSegment(relativePath, [](std::string_view segment, bool /* isLast */)
    {
      return segment.empty() || segment.front() != '.' || segment == WELL_KNOWN;
    });
    return !visible;
  }


  std::optional<std::filesystem::path> ResolveFileInFolder(const std::filesystem::path& folder,
                                                           std::string_view relativePath)
  {
    std::error_code error;

    // Canonicalized on every lookup rather than once, so that a folder that is a
    // symbolic link switched to a new build is followed.
    const std::filesystem::path root = std::filesystem::canonical(folder, error);
    if (error)
    {
      return std::nullopt;
    }

    // Joined segment by segment from checked pieces: operator/ with an absolute
    // piece would replace the whole path.
    std::filesystem::path candidate = root;
    const bool acceptable = ForEachSegment(relativePath, [&candidate](std::string_view segment, bool /* isLast */)
    {
      if (!IsAcceptableSegment(segment, false))
      {
        return false;   // an empty last segment names a directory, never a file
      }
      candidate /= std::filesystem::path(segment);
      return true;
    });
    if (!acceptable)
    {
      return std::nullopt;
    }

    // canonical() resolves every symbolic link; the result must still be inside.
    const std::filesystem::path resolved = std::filesystem::canonical(candidate, error);
    if (error || !IsInside(root, resolved))
    {
      return std::nullopt;
    }

    if (!std::filesystem::is_regular_file(resolved, error) || error)
    {
      return std::nullopt;
    }
    return resolved;
  }
}
