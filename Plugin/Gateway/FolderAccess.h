// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/PluginRoutes.h"
#include "../Protocol/ErrorResponses.h"
#include "FolderAccessCache.h"
#include "Gateway.h"
#include "GatewayContext.h"
#include "../Protocol/RelayHeaders.h"
#include "UpstreamConnection.h"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // A folder served by the gateway is served only to a client that Orthanc would
  // let in on its own port: the gateway asks Orthanc with an "access probe", a GET
  // of PluginRoutes::FOLDER_ACCESS (Common/PluginRoutes.h) carrying the client's header as a relayed
  // request would. The probe thus passes through Orthanc's HTTP authentication and
  // every plugin's incoming filter (authorization plugins). Folders with
  // "Public": true are served without asking.

  // "/cors/folder-access/viewer/" for the folder at "/viewer/" ("/cors/folder-access/"
  // for "/"): the prefix, a URI path checked at start-up, in the path rather than in
  // a query value, which Orthanc 1.10.1 hands plugins without percent-decoding it
  // (measured). An authorization plugin can thus tell the folders apart by URI.
  std::string MakeFolderAccessTarget(const std::string& prefix);

  // The header of the probe: the relayed request's (credentials, Cookie, Host,
  // Forwarded, X-Forwarded-*, any header an authorization plugin may read) without
  // the fields that describe one request rather than the client (Accept*, If-*,
  // Range, Referer, Sec-Fetch-*, Cache-Control, Priority, body description).
  // Dropping them makes the verdict a function of what the cache key hashes, and
  // lets one probe stand for every file of the folder.
  HttpHeaders BuildFolderAccessProbeHeaders(const HttpHeaders& client, const ForwardingContext& forwarding);

  // SHA-256 (hex) of the probe's header: the cache key of a client's credentials,
  // so that the cache never holds the credentials themselves.
  std::string DigestProbeHeaders(const HttpHeaders& probeHeaders);

  // The gateway's answer to a client that Orthanc's verdict does not let in: 401
  // with Orthanc's WWW-Authenticate (the browser then asks for credentials), 403,
  // or 502 for any other status or no answer (status 0). std::nullopt for a 2xx.
  std::optional<LocalResponse> MakeFolderAccessDenial(const FolderAccessVerdict& verdict, const std::string& prefix);

  // Orthanc's verdict on the client whose request header is `client` for the
  // folder at `prefix`: from the gateway's cache, else by a probe through
  // `upstream` (the session's own connection to Orthanc), then cached. Status 0
  // when Orthanc cannot be asked (logged).
  boost::asio::awaitable<FolderAccessVerdict> CheckFolderAccess(const GatewayContext& context,
                                                                UpstreamConnection& upstream,
                                                                const std::string& prefix,
                                                                const HttpHeaders& client,
                                                                const ForwardingContext& forwarding);
}
