#include "FolderHeaders.h"

namespace OrthancCors
{
  void AddIsolationHeaders(HttpHeaders& headers, const FolderSettings& folder)
  {
    if (folder.crossOriginIsolation == CrossOriginIsolation::Off)
    {
      return;
    }
    headers.push_back({"Cross-Origin-Opener-Policy", "same-origin"});
    headers.push_back({"Cross-Origin-Embedder-Policy",
                       folder.crossOriginIsolation == CrossOriginIsolation::RequireCorp ?
                       "require-corp" : "credentialless"});
    headers.push_back({"Cross-Origin-Resource-Policy",
                       folder.framePolicy.IsSameOriginOnly() ? "same-origin" : "cross-origin"});
  }


  HttpHeaders GetFramingHeaders(const FolderSettings& folder)
  {
    HttpHeaders headers;
    AddIsolationHeaders(headers, folder);
    // The opener policy does not apply inside a frame.
    RemoveAll(headers, "Cross-Origin-Opener-Policy");
    AddFramePolicyHeaders(headers, folder.framePolicy);
    return headers;
  }
}
