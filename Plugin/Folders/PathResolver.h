// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // Turns the path of a request-target (TargetPath: no query, no fragment) into the
  // decoded path used for lookups: percent-escapes are decoded exactly once, and
  // anything that could name a file outside a folder is refused (std::nullopt):
  //   - a target that does not start with '/' (absolute-form, "*", empty);
  //   - an invalid escape ("%", "%2", "%zz");
  //   - an encoded '/', '\' or NUL ("%2f", "%5c", "%00"), a raw '\', a control character;
  //   - a "." or ".." segment in any spelling ("%2e%2e", ".%2E"...), after the decoding;
  //   - an empty segment ("//", which would also make an absolute path when joined).
  // A '%' that survives the decoding ("%252e" -> "%2e") is a literal character of a
  // file name, never decoded again. The result starts with '/' and may end with '/'.
  std::optional<std::string> DecodeRequestPath(std::string_view target);

  // Whether `relativePath` (inside a folder: '/'-separated segments, no leading '/',
  // already decoded) names a hidden file or passes through a hidden directory: a
  // segment starting with '.' (".git/config", ".htpasswd", ".env"), other than
  // ".well-known" (RFC 8615: published on purpose).
  bool IsHiddenPath(std::string_view relativePath);

  // Finds the regular file `relativePath` ('/'-separated segments, no leading '/',
  // as produced from DecodeRequestPath) inside `folder`. Symbolic links are followed,
  // but the file they lead to must lie inside the folder's canonical path. Returns
  // the canonical path of the file, or std::nullopt (missing, not a regular file,
  // outside the folder, or a refused segment).
  std::optional<std::filesystem::path> ResolveFileInFolder(const std::filesystem::path& folder,
                                                           std::string_view relativePath);
}
