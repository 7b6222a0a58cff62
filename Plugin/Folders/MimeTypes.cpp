// SPDX-License-Identifier: AGPL-3.0-or-later

#include "MimeTypes.h"

#include "../Common/HttpHeaders.h"

#include <utility>

namespace OrthancCors
{
  namespace
  {
    const char* const OCTET_STREAM = "application/octet-stream";

    // Textual types are sent with an explicit charset so that browsers never sniff
    // one (viewer builds are UTF-8).
    const std::pair<std::string_view, std::string_view> DEFAULT_TYPES[] = {
      { ".html", "text/html; charset=utf-8" },
      { ".htm", "text/html; charset=utf-8" },
      { ".js", "text/javascript; charset=utf-8" },
      { ".mjs", "text/javascript; charset=utf-8" },
      { ".cjs", "text/javascript; charset=utf-8" },
      { ".css", "text/css; charset=utf-8" },
      { ".json", "application/json; charset=utf-8" },
      { ".jsonc", "application/json; charset=utf-8" },
      { ".map", "application/json; charset=utf-8" },
      { ".webmanifest", "application/manifest+json; charset=utf-8" },
      { ".txt", "text/plain; charset=utf-8" },
      { ".md", "text/markdown; charset=utf-8" },
      { ".csv", "text/csv; charset=utf-8" },
      { ".xml", "application/xml; charset=utf-8" },
      { ".svg", "image/svg+xml; charset=utf-8" },
      { ".wasm", "application/wasm" },
      { ".woff", "font/woff" },
      { ".woff2", "font/woff2" },
      { ".ttf", "font/ttf" },
      { ".otf", "font/otf" },
      { ".eot", "application/vnd.ms-fontobject" },
      { ".png", "image/png" },
      { ".jpg", "image/jpeg" },
      { ".jpeg", "image/jpeg" },
      { ".gif", "image/gif" },
      { ".ico", "image/x-icon" },
      { ".webp", "image/webp" },
      { ".avif", "image/avif" },
      { ".bmp", "image/bmp" },
      { ".pdf", "application/pdf" },
      { ".zip", "application/zip" },
      { ".gz", "application/gzip" },
      { ".mp4", "video/mp4" },
      { ".webm", "video/webm" },
      { ".mp3", "audio/mpeg" },
      { ".wav", "audio/wav" },
      { ".dcm", "application/dicom" },
    };
  }


  std::string GetLowerCaseExtension(std::string_view fileName)
  {
    const size_t slash = fileName.find_last_of('/');
    if (slash != std::string_view::npos)
    {
      fileName.remove_prefix(slash + 1);
    }

    const size_t dot = fileName.find_last_of('.');
    if (dot == std::string_view::npos)
    {
      return "";
    }
    return ToLowerAscii(fileName.substr(dot));
  }


  MimeTypes::MimeTypes(const std::map<std::string, std::string>& overrides)
  {
    for (const auto& [extension, type] : overrides)
    {
      std::string key = ToLowerAscii(extension);
      if (!key.empty() && key.front() != '.')
      {
        key.insert(key.begin(), '.');   // tolerate "wasm" for ".wasm"
      }
      overrides_[key] = type;
    }
  }


  std::string MimeTypes::GetContentType(std::string_view fileName) const
  {
    const std::string extension = GetLowerCaseExtension(fileName);
    if (extension.empty())
    {
      return OCTET_STREAM;
    }

    auto found = overrides_.find(extension);
    if (found != overrides_.end())
    {
      return found->second;
    }

    for (const auto& [knownExtension, type] : DEFAULT_TYPES)
    {
      if (knownExtension == extension)
      {
        return std::string(type);
      }
    }
    return OCTET_STREAM;
  }
}
