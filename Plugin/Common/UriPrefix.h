// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <string>
#include <string_view>

namespace OrthancCors
{
  // A URI path prefix as configured for a route, a folder or a path relayed to
  // Orthanc: "/ohif/", "/wado", "/". The one rule of "under this prefix" for the
  // whole plugin, by whole path segments: "/x/" and "/x" both match "/x", "/x/"
  // and anything below ("/x/y"), never "/xy" or "/x-y"; "/" matches every path.
  // A prefix with and a prefix without its final "/" cover the same requests.
  // Paths are matched as given: callers normalize or decode them first.
  class UriPrefix
  {
  public:
    explicit UriPrefix(std::string text);

    const std::string& GetText() const { return text_; }   // as given

    // The prefix without its final "/" ("/ohif/" -> "/ohif", "/" -> ""): a path
    // is under the prefix when it equals this or continues it with "/".
    std::string_view GetBare() const { return std::string_view(text_).substr(0, bareSize_); }

    // An empty prefix, or one not starting with "/", matches nothing.
    bool Matches(std::string_view path) const;

    // Every path `inner` matches, this prefix matches too ("/" contains "/app/";
    // "/ohif/" contains "/ohif" and "/ohif/viewer").
    bool Contains(const UriPrefix& inner) const;

    // Same requests covered: "/wado" == "/wado/".
    bool operator==(const UriPrefix& other) const { return GetBare() == other.GetBare(); }

  private:
    std::string text_;
    size_t bareSize_;
  };

  // "/ohif" -> "/ohif/"; "/ohif/" and "/" are kept: the form folder prefixes and
  // the DICOMweb root are stored in.
  std::string WithTrailingSlash(std::string_view prefix);
}
