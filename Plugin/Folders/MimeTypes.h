// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <map>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // Content-Type of a served file, chosen from its extension: a built-in table
  // covering what single-page viewers ship (scripts, modules, WebAssembly, fonts,
  // source maps...), overridden by the "Extensions" setting.
  class MimeTypes
  {
  public:
    // `overrides`: extension with its dot (".wasm"), any case -> MIME type, used as given.
    explicit MimeTypes(const std::map<std::string, std::string>& overrides = {});

    // The type for `fileName` (a name or a path; only the last extension counts,
    // compared case-insensitively). Textual defaults carry "; charset=utf-8".
    // Unknown or missing extension: "application/octet-stream".
    std::string GetContentType(std::string_view fileName) const;

  private:
    std::map<std::string, std::string> overrides_;   // lower-case extension with dot
  };

  // ".js" for "app.bundle.js", "" when the last path segment has no dot. Lower-case.
  std::string GetLowerCaseExtension(std::string_view fileName);
}
