// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"
#include "FolderSettings.h"

#include <string_view>

namespace OrthancCors
{
  // Cross-Origin-Opener-Policy, -Embedder-Policy and -Resource-Policy of a folder
  // with CrossOriginIsolation (nothing when it is off), for a file of that
  // Content-Type. The resource policy is "cross-origin" on the folder's pages (HTML)
  // when other origins may frame the folder: a cross-origin isolated page that embeds
  // it loads the frame's document only then. The frame's own scripts and data are
  // same-origin to it, and keep "same-origin": no other site loads them.
  void AddIsolationHeaders(HttpHeaders& headers, const FolderSettings& folder, std::string_view contentType);

  // Whether a file of this Content-Type can be the document of a frame.
  bool IsFrameDocument(std::string_view contentType);

  // What decides whether a page of another origin may frame the folder, as the
  // folder's pages carry it: Content-Security-Policy (frame-ancestors),
  // X-Frame-Options, and under isolation the embedder and resource policies.
  HttpHeaders GetFramingHeaders(const FolderSettings& folder);
}
