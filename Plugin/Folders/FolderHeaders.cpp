// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FolderHeaders.h"

namespace OrthancCors
{
  bool IsFrameDocument(std::string_view contentType)
  {
    const std::string mediaType = ToLowerAscii(TrimOptionalWhitespace(contentType.substr(0, contentType.find(';'))));
    return mediaType == "text/html" || mediaType == "application/xhtml+xml";
  }


  void AddIsolationHeaders(HttpHeaders& headers, const FolderSettings& folder, std::string_view contentType)
  {
    if (folder.crossOriginIsolation == CrossOriginIsolation::Off)
    {
      return;
    }
    headers.push_back({"Cross-Origin-Opener-Policy", "same-origin"});
    headers.push_back({"Cross-Origin-Embedder-Policy",
                       folder.crossOriginIsolation == CrossOriginIsolation::RequireCorp ?
                       "require-corp" : "credentialless"});
    const bool framedByOthers = !folder.framePolicy.IsSameOriginOnly() && IsFrameDocument(contentType);
    headers.push_back({"Cross-Origin-Resource-Policy", framedByOthers ? "cross-origin" : "same-origin"});
  }


  HttpHeaders GetFramingHeaders(const FolderSettings& folder)
  {
    HttpHeaders headers;
    AddIsolationHeaders(headers, folder, "text/html");
    // The opener policy does not apply inside a frame.
    RemoveAll(headers, "Cross-Origin-Opener-Policy");
    AddFramePolicyHeaders(headers, folder.framePolicy);
    return headers;
  }
}
