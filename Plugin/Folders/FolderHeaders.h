#pragma once

#include "../Common/HttpHeaders.h"
#include "FolderSettings.h"

namespace OrthancCors
{
  // Cross-Origin-Opener-Policy, -Embedder-Policy and -Resource-Policy of a folder
  // with CrossOriginIsolation (nothing when it is off). The resource policy is
  // "cross-origin" when other origins may frame the folder: a cross-origin
  // isolated page that embeds it loads the frame's document only then.
  void AddIsolationHeaders(HttpHeaders& headers, const FolderSettings& folder);

  // What decides whether a page of another origin may frame the folder, as every
  // answer of the folder carries it: Content-Security-Policy (frame-ancestors),
  // X-Frame-Options, and under isolation the embedder and resource policies.
  HttpHeaders GetFramingHeaders(const FolderSettings& folder);
}
