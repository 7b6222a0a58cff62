// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FolderCallbacks.h"

#include "CorsPlugin.h"
#include "OrthancHttp.h"
#include "../Common/PluginRoutes.h"
#include "../Common/TargetPath.h"
#include "../Common/UriPrefix.h"
#include "../Configuration/ConfigurationKeys.h"
#include "../Folders/FolderServer.h"
#include "../Folders/PathResolver.h"
#include "../Policy/CorsEvaluation.h"

#include <boost/regex.hpp>

#include <algorithm>

namespace OrthancCors
{
  std::string MakeFolderRouteRegex(const std::string& prefix)
  {
    static const boost::regex special("[.^$|()\\[\\]{}*+?\\\\]");
    const std::string bare(UriPrefix(prefix).GetBare());
    return boost::regex_replace(bare, special, "\\\\&", boost::format_sed) + "(/.*)?";
  }

  OrthancPluginErrorCode ServeFolder(OrthancPluginRestOutput* output,
                                     const char* url,
                                     const OrthancPluginHttpRequest* request)
  {
    CorsPlugin& plugin = CorsPlugin::Get();
    FolderRequest folderRequest;
    folderRequest.method = GetMethodName(request->method);
    folderRequest.target = EncodeDecodedPath(url);   // Orthanc hands callbacks a percent-decoded path
    folderRequest.headers = ToHttpHeaders(*request);
    if (!plugin.GetAnswerWriting().CanSendEncodedBodies())
    {
      // Then the original file, which Orthanc compresses itself as the client accepts.
      RemoveAll(folderRequest.headers, "Accept-Encoding");
    }
    const bool partialContent = plugin.GetAnswerWriting().CanSendPartialContent();
    if (!partialContent)
    {
      // Then the whole file: a server may ignore Range (RFC 9110, 14.2).
      RemoveAll(folderRequest.headers, "Range");
    }

    FolderResponse response = plugin.GetFolders().ServeMounted(folderRequest);
    if (!partialContent)
    {
      RemoveAll(response.headers, "Accept-Ranges");
    }
    if (response.refusedBodyBytes != 0 && response.folder != nullptr)
    {
      plugin.WarnOncePerKey("file " + std::string(url),
                            "Cors: refused " + folderRequest.method + " " + std::string(url) +
                            " on Orthanc's port with 501: its " + std::to_string(response.refusedBodyBytes) +
                            " bytes exceed " + ConfigurationKeys::Folder::MAXIMUM_FILE_SIZE_ON_ORTHANC_PORT + " (" +
                            std::to_string(response.folder->maxBytesOnOrthancPort / (1024 * 1024)) +
                            " MiB) of the folder " + response.folder->prefix + "; the gateway (" +
                            ConfigurationKeys::CorsKeyPath(ConfigurationKeys::Cors::GATEWAY) +
                            ") streams files of any size");
    }

    const CorsRequest corsRequest = CorsRequest::FromHeaders(folderRequest.method, folderRequest.target,
                                                             folderRequest.headers);
    ApplyCorsHeaders(response.headers, EvaluateActualRequest(plugin.GetConfiguration().policy, corsRequest),
                     ExistingResourcePolicy::Keep);

    AnswerWithHeaders(plugin.GetContext(), output, plugin.GetAnswerWriting(), response.status, response.headers,
                      response.body.GetMemory(), "application/octet-stream");
    return OrthancPluginErrorCode_Success;
  }

  OrthancPluginErrorCode AnswerFolderAccess(OrthancPluginRestOutput* output,
                                            const char* url,
                                            const OrthancPluginHttpRequest* request)
  {
    CorsPlugin& plugin = CorsPlugin::Get();
    if (request->method != OrthancPluginHttpMethod_Get)
    {
      OrthancPluginSendMethodNotAllowed(plugin.GetContext(), output, "GET");
      return OrthancPluginErrorCode_Success;
    }

    // Orthanc hands callbacks the decoded path, without its final "/".
    const std::string route(PluginRoutes::FOLDER_ACCESS);
    const std::string path(url);
    const std::string prefix = WithTrailingSlash(path.size() > route.size() ? path.substr(route.size()) : "/");

    const std::vector<FolderSettings>& folders = plugin.GetConfiguration().folders;
    const bool known = std::any_of(folders.begin(), folders.end(),
                                   [&](const FolderSettings& folder) { return folder.prefix == prefix; });
    if (!known)
    {
      OrthancPluginSendHttpStatusCode(plugin.GetContext(), output, 404);
      return OrthancPluginErrorCode_Success;
    }

    static const std::string granted = "{}";
    OrthancPluginAnswerBuffer(plugin.GetContext(), output, granted.data(), static_cast<uint32_t>(granted.size()),
                              "application/json");
    return OrthancPluginErrorCode_Success;
  }
}
