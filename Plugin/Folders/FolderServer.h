// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"
#include "../Common/PrefixTable.h"
#include "FileCache.h"
#include "FolderBody.h"
#include "FolderSettings.h"
#include "MimeTypes.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace OrthancCors
{
  struct FolderRequest
  {
    std::string method;    // "GET", "HEAD"... (case-sensitive, as on the wire)
    std::string target;    // raw request-target, percent-encoded, query included
    HttpHeaders headers;
  };

  struct FolderResponse
  {
    int status = 200;
    // Always carries Content-Length: the size of the body, or for HEAD and 304 the
    // size of the representation a GET would have sent (RFC 9110, 8.6).
    HttpHeaders headers;
    // Empty for HEAD and 304. On the gateway, a file above the cache's per-file
    // limit stays in the file (the gateway streams it); on Orthanc's port the
    // body is always in memory.
    FolderBody body;
    // The folder that answered (one of GetFolders()): the gateway asks Orthanc
    // whether the client may see it, unless it is public.
    const FolderSettings* folder = nullptr;
    // Non-zero when Orthanc's port refused a body of this many bytes, above the
    // folder's maxBytesOnOrthancPort (status 501).
    uint64_t refusedBodyBytes = 0;
  };

  // Serves the configured folders (a single-page viewer build, typically) with
  // the headers such a viewer needs: MIME types, ETag and 304, cache lifetimes by
  // file name, precompressed siblings, cross-origin isolation, who may frame it
  // (FolderHeaders.h). Never answers a path outside a folder. Free of any Orthanc
  // dependency; thread-safe.
  class FolderServer
  {
  public:
    // `relayPrefixes`: paths the gateway must relay to Orthanc even for a
    // navigation under a single-page folder (CORS routes, DICOMweb root, "/app/",
    // "/ui/"). A relay prefix only counts for a folder when it is more specific
    // than the folder's prefix, so that a route equal to a folder (the default
    // Routes list every folder) or "/" does not disable the fallback. Folder
    // prefixes are stored with their final "/".
    FolderServer(std::vector<FolderSettings> folders,
                 std::map<std::string, std::string> mimeOverrides,
                 bool allowCache,
                 bool generateETag,
                 std::vector<std::string> relayPrefixes,
                 FileCacheLimits cacheLimits = {});

    FolderServer(const FolderServer&) = delete;
    FolderServer& operator=(const FolderServer&) = delete;

    // For the gateway, with DESIGN.md's precedence: (0) a path of the plugin's own
    // routes (IsPluginRoute: "/cors/...") is never served from a folder, whatever
    // the Accept header says; (1) an existing file inside the folder with the
    // longest matching prefix; (2) for a GET/HEAD navigation to an extension-less
    // path under a single-page folder and not under a relay prefix, the folder's
    // index.html; (3) std::nullopt: relay the request to Orthanc. Only
    // GET and HEAD are served; a path refused by DecodeRequestPath is relayed too
    // (it never names a file of a folder; Orthanc answers it), and so is a hidden
    // path (IsHiddenPath) of a folder that does not serve hidden files.
    std::optional<FolderResponse> ServeOnGateway(const FolderRequest& request) const;

    // For the Orthanc REST callback of the mounted folders (every folder but "/",
    // which is served on the gateway only): always answers, 405 (Allow: GET, HEAD)
    // for other methods, 404 when the path is refused, under no mounted folder, or
    // names nothing in the folder with the longest matching prefix (a hidden path
    // of a folder that does not serve hidden files included); 501 when the
    // body (the whole file or the requested range) exceeds the folder's
    // maxBytesOnOrthancPort. The body is in memory.
    FolderResponse ServeMounted(const FolderRequest& request) const;

    // The folders, prefixes normalized ("/x/"), longest prefix first.
    const std::vector<FolderSettings>& GetFolders() const;

    // The folder whose prefix is the longest to match the request-target's path,
    // or nullptr (a path of the plugin's own routes included): the one
    // ServeOnGateway would answer from.
    const FolderSettings* FindFolder(const std::string& target) const;

    // The folder whose page a navigation to `decodedPath` (DecodeRequestPath's) shows
    // on the gateway: the folder with the longest prefix, or nullptr when none
    // matches, the path is one of the plugin's own routes, or a relay prefix more
    // specific than that folder's covers the path (Orthanc answers it, unless the
    // folder has a file of that very name).
    const FolderSettings* FindFolderOfPage(const std::string& decodedPath) const;

  private:
    enum class Port
    {
      Gateway,   // relay prefixes honoured, large files streamed
      Orthanc    // bodies in memory, up to the folder's maxBytesOnOrthancPort
    };

    // The folder with the longest prefix matching `decodedPath`, unless the path is
    // one of the plugin's own routes.
    const FolderSettings* FindFolderOnGateway(const std::string& decodedPath) const;
    bool IsUnderRelayPrefix(const FolderSettings& folder, const std::string& decodedPath) const;
    std::optional<FolderResponse> ServeInFolder(const FolderSettings& folder,
                                                const std::string& decodedPath,
                                                const FolderRequest& request,
                                                Port port) const;
    std::optional<FolderResponse> ServeFile(const FolderSettings& folder,
                                            const std::string& relativePath,
                                            const FolderRequest& request,
                                            Port port) const;

    PrefixTable<FolderSettings> folders_;
    MimeTypes mimeTypes_;
    bool allowCache_;
    bool generateETag_;
    PrefixTable<UriPrefix> relayPrefixes_;
    mutable FileCache cache_;   // the only mutable state; synchronized inside
  };
}
