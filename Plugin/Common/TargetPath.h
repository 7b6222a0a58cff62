// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <string>
#include <string_view>

namespace OrthancCors
{
  // The path of a request-target as a client sends it: what comes before its first
  // "?" (the query) or "#" (a fragment: browsers never send one, other clients may).
  //   "/dicom-web/studies?limit=1" -> "/dicom-web/studies"
  //   "/instances#/dicom-web/"     -> "/instances"
  //   "/tools/x#?a=1"              -> "/tools/x"
  // The one rule of the plugin for where a target's path ends: CORS routes, the
  // foreign-origin guard, served folders, the policy check, the access log's masking.
  inline std::string_view TargetPath(std::string_view target)
  {
    return target.substr(0, target.find_first_of("?#"));
  }

  // A path as Orthanc hands it to a plugin (civetweb decoded it and took the query
  // away), written back as the path of a request-target: "%", "?", "#" and bytes
  // outside printable ASCII are characters of that path, so they are percent-encoded
  // for TargetPath to keep them and for no one to decode them a second time.
  //   "/instances#/dicom-web/" -> "/instances%23/dicom-web/"
  //   "/a?b"                   -> "/a%3Fb"
  //   "/a/%2E%2E/b"            -> "/a/%252E%252E/b"
  std::string EncodeDecodedPath(std::string_view decodedPath);
}
