// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FolderServer.h"

#include "ByteRange.h"
#include "CachePolicy.h"
#include "ContentNegotiation.h"
#include "FolderHeaders.h"
#include "PathResolver.h"
#include "../Common/PluginRoutes.h"

namespace OrthancCors
{
  namespace
  {
    const char* const INDEX_FILE = "index.html";

    bool IsServedMethod(const std::string& method)
    {
      return method == "GET" || method == "HEAD";
    }

    std::vector<FolderSettings> WithNormalizedPrefixes(std::vector<FolderSettings> folders)
    {
      for (FolderSettings& folder : folders)
      {
        folder.prefix = WithTrailingSlash(folder.prefix);
      }
      return folders;
    }

    std::vector<UriPrefix> ToUriPrefixes(std::vector<std::string> prefixes)
    {
      std::vector<UriPrefix> result;
      for (std::string& prefix : prefixes)
      {
        result.emplace_back(std::move(prefix));
      }
      return result;
    }

    std::string_view LastNonEmptySegment(std::string_view path)
    {
      while (!path.empty() && path.back() == '/')
      {
        path.remove_suffix(1);
      }
      const size_t slash = path.find_last_of('/');
      return slash == std::string_view::npos ? path : path.substr(slash + 1);
    }

    // What every answer of a folder carries, errors included: the folder's name for
    // the gateway's access check, and who may frame it.
    FolderResponse FromFolder(FolderResponse response, const FolderSettings& folder)
    {
      response.folder = &folder;
      AddFramePolicyHeaders(response.headers, folder.framePolicy);
      return response;
    }

    FolderResponse MakeTextResponse(int status, const std::string& text, const FolderRequest& request)
    {
      FolderResponse response;
      response.status = status;
      response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
      response.headers.push_back({"Content-Length", std::to_string(text.size())});
      response.headers.push_back({"X-Content-Type-Options", "nosniff"});
      if (request.method != "HEAD")
      {
        response.body = FolderBody::InMemory(std::make_shared<const std::string>(text));
      }
      return response;
    }

    FolderResponse MakeNotFound(const FolderRequest& request)
    {
      return MakeTextResponse(404, "Not found\n", request);
    }

    FolderResponse MakeMethodNotAllowed(const FolderRequest& request)
    {
      FolderResponse response = MakeTextResponse(405, "Method not allowed\n", request);
      response.headers.push_back({"Allow", "GET, HEAD"});
      return response;
    }

    std::string MakeEntityTag(const std::string& fileTag, const std::string& encoding)
    {
      return "\"" + fileTag + (encoding.empty() ? "" : "-" + encoding) + "\"";
    }

    FolderResponse MakeRangeNotSatisfiable(const FolderRequest& request, uint64_t size,
                                           const FolderSettings& folder, const std::string& contentType)
    {
      FolderResponse response = MakeTextResponse(416, "Range not satisfiable\n", request);
      response.headers.push_back({"Content-Range", DescribeUnsatisfiedRange(size)});
      response.headers.push_back({"Accept-Ranges", "bytes"});
      AddIsolationHeaders(response.headers, folder, contentType);
      return response;
    }

    FolderResponse MakeTooLargeForOrthancPort(const FolderRequest& request, uint64_t bodyBytes)
    {
      FolderResponse response = MakeTextResponse(
        501, "This file is too large to be sent on Orthanc's port: fetch it through the Cors gateway, "
        "which streams files of any size\n", request);
      response.headers.push_back({"Cache-Control", "no-store"});   // raising the limit takes effect at once
      response.refusedBodyBytes = bodyBytes;
      return response;
    }

    const char* GetSiblingSuffix(const std::string& encoding)
    {
      return encoding == "br" ? ".br" : ".gz";
    }
  }


  FolderServer::FolderServer(std::vector<FolderSettings> folders,
                             std::map<std::string, std::string> mimeOverrides,
                             bool allowCache,
                             bool generateETag,
                             std::vector<std::string> relayPrefixes,
                             FileCacheLimits cacheLimits) :
    folders_(WithNormalizedPrefixes(std::move(folders)),
             [](const FolderSettings& folder) -> const std::string& { return folder.prefix; }),
    mimeTypes_(mimeOverrides),
    allowCache_(allowCache),
    generateETag_(generateETag),
    relayPrefixes_(ToUriPrefixes(std::move(relayPrefixes)),
                   [](const UriPrefix& prefix) -> const std::string& { return prefix.GetText(); }),
    cache_(cacheLimits)
  {
  }


  std::optional<FolderResponse> FolderServer::ServeOnGateway(const FolderRequest& request) const
  {
    if (!IsServedMethod(request.method))
    {
      return std::nullopt;
    }

    const std::optional<std::string> decodedPath = DecodeRequestPath(request.target);
    if (!decodedPath)
    {
      return std::nullopt;
    }

    const FolderSettings* folder = FindFolderOnGateway(*decodedPath);
    if (folder == nullptr)
    {
      return std::nullopt;
    }
    return ServeInFolder(*folder, *decodedPath, request, Port::Gateway);
  }


  FolderResponse FolderServer::ServeMounted(const FolderRequest& request) const
  {
    // Orthanc calls this only for paths under a mounted folder: the method comes
    // before the path (405 for any path), and the folder's frame policy with it.
    const std::optional<std::string> decodedPath = DecodeRequestPath(request.target);
    const FolderSettings* folder = decodedPath ? folders_.Find(*decodedPath) : nullptr;
    const bool mounted = folder != nullptr && folder->prefix != "/";
    if (!IsServedMethod(request.method))
    {
      return mounted ? FromFolder(MakeMethodNotAllowed(request), *folder) : MakeMethodNotAllowed(request);
    }
    if (!mounted)
    {
      return MakeNotFound(request);
    }

    // Orthanc only calls this for the folder's own URIs: nothing to relay.
    std::optional<FolderResponse> response = ServeInFolder(*folder, *decodedPath, request, Port::Orthanc);
    return response ? std::move(*response) : FromFolder(MakeNotFound(request), *folder);
  }


  const std::vector<FolderSettings>& FolderServer::GetFolders() const
  {
    return folders_.GetEntries();
  }


  const FolderSettings* FolderServer::FindFolder(const std::string& target) const
  {
    const std::optional<std::string> decodedPath = DecodeRequestPath(target);
    return decodedPath ? FindFolderOnGateway(*decodedPath) : nullptr;
  }


  const FolderSettings* FolderServer::FindFolderOfPage(const std::string& decodedPath) const
  {
    const FolderSettings* folder = FindFolderOnGateway(decodedPath);
    return folder != nullptr && !IsUnderRelayPrefix(*folder, decodedPath) ? folder : nullptr;
  }


  const FolderSettings* FolderServer::FindFolderOnGateway(const std::string& decodedPath) const
  {
    // The plugin's own routes answer JSON to every client, a browser's navigation
    // included: a folder at "/" must not take them for a file or a client-side route.
    return IsPluginRoute(decodedPath) ? nullptr : folders_.Find(decodedPath);
  }


  bool FolderServer::IsUnderRelayPrefix(const FolderSettings& folder, const std::string& decodedPath) const
  {
    // The prefixes matching a path nest in one another: when the longest matching
    // relay prefix is not more specific than the folder, no shorter one is.
    const UriPrefix* relayPrefix = relayPrefixes_.Find(decodedPath);
    const UriPrefix folderPrefix(folder.prefix);
    return relayPrefix != nullptr && folderPrefix.Contains(*relayPrefix) && folderPrefix != *relayPrefix;
  }


  std::optional<FolderResponse> FolderServer::ServeInFolder(const FolderSettings& folder,
                                                            const std::string& decodedPath,
                                                            const FolderRequest& request,
                                                            Port port) const
  {
    const std::string relativePath = decodedPath.size() > folder.prefix.size() ?
      decodedPath.substr(folder.prefix.size()) : std::string();

    // A hidden path answers as a missing file, and a navigation gets no index.html
    // either: the answer must not tell whether ".git/config" exists.
    if (!folder.serveHiddenFiles && IsHiddenPath(relativePath))
    {
      return std::nullopt;
    }

    if (std::optional<FolderResponse> response = ServeFile(folder, relativePath, request, port))
    {
      return FromFolder(std::move(*response), folder);
    }

    // Client-side routes of a single-page application ("/ohif/viewer") exist only in
    // the browser: a navigation to one gets the application, which then routes itself.
    // Paths with an extension are missing files, not routes.
    const bool isClientSideRoute = folder.singlePageApplication &&
      IsNavigationRequest(request.headers) &&
      LastNonEmptySegment(relativePath).find('.') == std::string_view::npos &&
      !(port == Port::Gateway && IsUnderRelayPrefix(folder, decodedPath));
    if (!isClientSideRoute)
    {
      return std::nullopt;
    }

    std::optional<FolderResponse> response = ServeFile(folder, INDEX_FILE, request, port);
    if (!response)
    {
      return std::nullopt;
    }
    // The same URL gives a 404 or a relayed answer to requests that are not navigations.
    AddToVary(response->headers, { "Sec-Fetch-Mode", "Accept" });
    return FromFolder(std::move(*response), folder);
  }


  std::optional<FolderResponse> FolderServer::ServeFile(const FolderSettings& folder,
                                                        const std::string& relativePath,
                                                        const FolderRequest& request,
                                                        Port port) const
  {
    std::string fileName = relativePath;
    if (fileName.empty() || fileName.back() == '/')
    {
      fileName += INDEX_FILE;
    }

    const std::optional<std::filesystem::path> original = ResolveFileInFolder(folder.path, fileName);
    if (!original)
    {
      return std::nullopt;
    }

    // A precompressed sibling ("app.js.br") is the same representation, encoded.
    // Not for a range: a slice from the middle of a compressed stream cannot be
    // decoded by the client (fetch() with Range and Accept-Encoding: br).
    std::filesystem::path servedPath = *original;
    std::string encoding;
    const std::string extension = GetLowerCaseExtension(fileName);
    if (extension != ".br" && extension != ".gz" && GetAll(request.headers, "Range").empty())
    {
      for (const std::string& candidate : GetAcceptedPrecompressedEncodings(request.headers))
      {
        if (auto sibling = ResolveFileInFolder(folder.path, fileName + GetSiblingSuffix(candidate)))
        {
          servedPath = *sibling;
          encoding = candidate;
          break;
        }
      }
    }

    const std::string contentType = mimeTypes_.GetContentType(fileName);
    const std::optional<FileCache::File> file = cache_.Get(servedPath);
    if (!file)
    {
      return std::nullopt;   // vanished since it was resolved, or not a regular file any more
    }
    const std::string entityTag = MakeEntityTag(file->tag, encoding);
    const bool notModified = generateETag_ && MatchesIfNoneMatch(request.headers, entityTag);
    const bool sendsBody = !notModified && request.method == "GET";

    // Range applies to GET only (RFC 9110, 14.2), after If-None-Match (13.2.2).
    const RangeSelection range = sendsBody ?
      SelectRequestedRange(request.headers, file->size, generateETag_ ? entityTag : std::string()) :
      RangeSelection{};
    // Every answer names its folder, so that the gateway asks Orthanc before a
    // client learns even the size of a file in a folder that is not public.
    if (range.outcome == RangeOutcome::NotSatisfiable)
    {
      return MakeRangeNotSatisfiable(request, file->size, folder, contentType);
    }
    const bool partial = range.outcome == RangeOutcome::PartialContent;
    const uint64_t bodyBytes = partial ? range.range.length : file->size;
    if (port == Port::Orthanc && !notModified && bodyBytes > folder.maxBytesOnOrthancPort)
    {
      return MakeTooLargeForOrthancPort(request, bodyBytes);
    }

    FolderResponse response;
    response.status = notModified ? 304 : (partial ? 206 : 200);
    if (!notModified)
    {
      // A 304 only repeats the fields that refresh a cached response (RFC 9110, 15.4.5).
      response.headers.push_back({"Content-Type", contentType});
      if (!encoding.empty())
      {
        response.headers.push_back({"Content-Encoding", encoding});
      }
      if (partial)
      {
        response.headers.push_back({"Content-Range", DescribeContentRange(range.range, file->size)});
      }
      response.headers.push_back({"Accept-Ranges", "bytes"});
    }
    response.headers.push_back({"Content-Length", std::to_string(bodyBytes)});
    response.headers.push_back({"Vary", "Accept-Encoding"});
    response.headers.push_back({"Cache-Control", GetCacheControl(fileName, folder.immutableNames, allowCache_)});
    if (generateETag_)
    {
      response.headers.push_back({"ETag", entityTag});
    }
    // By file name, not by what this answer carries: a 304 must repeat the policy
    // of the 200 it refreshes.
    AddIsolationHeaders(response.headers, folder, contentType);
    response.headers.push_back({"X-Content-Type-Options", "nosniff"});

    if (sendsBody)
    {
      const FolderBody whole = file->content ? FolderBody::InMemory(file->content) : FolderBody::InFile(file->openFile);
      response.body = partial ? whole.Slice(range.range) : whole;
      if (port == Port::Orthanc)
      {
        response.body = response.body.Loaded();
      }
    }
    return response;
  }
}
