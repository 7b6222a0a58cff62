// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Configuration.h"
#include "../Folders/FolderServer.h"

#include <json/value.h>

namespace OrthancCors
{
  // Answers "would a browser on this origin be allowed to make this request?",
  // for POST /cors/check. `query` is
  //   { "Origin": "https://viewer.example", "Method": "GET", "Path": "/dicom-web/studies",
  //     "Headers": [ "Authorization" ] or "authorization, accept", "Credentials": false }
  // where Headers are the non-safelisted request headers the page sets (those the
  // browser lists in Access-Control-Request-Headers). With "Frame": true (and no
  // Method, Headers, Credentials) it answers "may a page on Origin show Path in a
  // frame?" instead: { "Folder", "Allowed", "Reason", "Headers" } from the FrameAncestors
  // of the folder `folders` shows the page from ("Allowed": null for a path no folder
  // serves). Throws
  // std::invalid_argument for a malformed query.
  Json::Value CheckBrowserRequest(const Configuration& configuration, const FolderServer& folders,
                                  const Json::Value& query);
}
