// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <string>
#include <string_view>

// Every configuration key name, written once: the parser looks them up and lists
// them as the known keys of their object (unknown-key errors and their
// suggestions), the describer writes them in GET /cors/policy, and messages name
// them ("Cors.Gateway.Port"). Configuration.json.example documents them.
namespace OrthancCors::ConfigurationKeys
{
  // Orthanc's own settings that the plugin reads (top level of its configuration).
  namespace Orthanc
  {
    inline constexpr const char* HTTP_PORT = "HttpPort";
    inline constexpr const char* HTTP_SERVER_ENABLED = "HttpServerEnabled";
    inline constexpr const char* SSL_ENABLED = "SslEnabled";
    inline constexpr const char* REMOTE_ACCESS_ALLOWED = "RemoteAccessAllowed";
    inline constexpr const char* AUTHENTICATION_ENABLED = "AuthenticationEnabled";
    inline constexpr const char* DICOM_WEB = "DicomWeb";
    inline constexpr const char* DICOM_WEB_ROOT = "Root";   // DicomWeb.Root
  }

  // The plugin's section, and its members.
  inline constexpr const char* CORS = "Cors";

  namespace Cors
  {
    // The per-route settings, which a "Routes" entry may override.
    inline constexpr const char* ALLOWED_ORIGINS = "AllowedOrigins";
    inline constexpr const char* ALLOW_CREDENTIALS = "AllowCredentials";
    inline constexpr const char* ALLOWED_METHODS = "AllowedMethods";
    inline constexpr const char* ALLOWED_HEADERS = "AllowedHeaders";
    inline constexpr const char* EXPOSED_HEADERS = "ExposedHeaders";

    inline constexpr const char* MAX_AGE = "MaxAge";
    inline constexpr const char* ALLOW_PRIVATE_NETWORK = "AllowPrivateNetwork";
    inline constexpr const char* RESOURCE_POLICY = "ResourcePolicy";
    inline constexpr const char* ROUTES = "Routes";
    inline constexpr const char* REJECT_FOREIGN_ORIGINS = "RejectForeignOrigins";
    inline constexpr const char* ALLOWED_HOSTS = "AllowedHosts";
    inline constexpr const char* GATEWAY = "Gateway";
    inline constexpr const char* FOLDERS = "Folders";
    inline constexpr const char* EXTENSIONS = "Extensions";
    inline constexpr const char* ALLOW_CACHE = "AllowCache";
    inline constexpr const char* GENERATE_ETAG = "GenerateETag";

    // Written by the describer only, never read: what it adds to a parsable section.
    inline constexpr const char* UPSTREAM = "Upstream";
  }

  // An object entry of "Cors.Routes" (the route settings above may appear too).
  namespace Route
  {
    inline constexpr const char* PREFIX = "Prefix";
  }

  // "Cors.Gateway".
  namespace Gateway
  {
    inline constexpr const char* ENABLE = "Enable";
    inline constexpr const char* PORT = "Port";
    inline constexpr const char* BIND_ADDRESS = "BindAddress";
    inline constexpr const char* SSL_ENABLED = "SslEnabled";
    inline constexpr const char* SSL_CERTIFICATE = "SslCertificate";
    inline constexpr const char* SSL_PRIVATE_KEY = "SslPrivateKey";
    inline constexpr const char* SSL_MINIMUM_PROTOCOL_VERSION = "SslMinimumProtocolVersion";
    inline constexpr const char* SSL_CIPHERS = "SslCiphers";
    inline constexpr const char* ACCESS_LOG = "AccessLog";
    inline constexpr const char* THREADS = "Threads";
    inline constexpr const char* MAX_CONNECTIONS = "MaxConnections";
    inline constexpr const char* MAX_CONNECTIONS_PER_CLIENT = "MaxConnectionsPerClient";
    inline constexpr const char* TRUSTED_PROXIES = "TrustedProxies";
    inline constexpr const char* IDLE_TIMEOUT = "IdleTimeout";
    inline constexpr const char* REQUEST_HEADER_TIMEOUT = "RequestHeaderTimeout";
    inline constexpr const char* UPSTREAM_TIMEOUT = "UpstreamTimeout";
    inline constexpr const char* REQUEST_BODY_BUFFER_SIZE = "RequestBodyBufferSize";
    inline constexpr const char* RESPONSE_BUFFER_SIZE = "ResponseBufferSize";
    inline constexpr const char* RESPONSE_TEMPORARY_FOLDER = "ResponseTemporaryFolder";
    inline constexpr const char* RESPONSE_TEMPORARY_FILE_LIMIT = "ResponseTemporaryFileLimit";
    inline constexpr const char* RESPONSE_TEMPORARY_FILES_LIMIT = "ResponseTemporaryFilesLimit";

    // Written by the describer only: RemoteAccessAllowed false moved BindAddress to loopback.
    inline constexpr const char* BIND_ADDRESS_FORCED_TO_LOOPBACK = "BindAddressForcedToLoopback";
  }

  // An object entry of "Cors.Folders".
  namespace Folder
  {
    inline constexpr const char* PATH = "Path";
    inline constexpr const char* SINGLE_PAGE_APPLICATION = "SinglePageApplication";
    inline constexpr const char* CROSS_ORIGIN_ISOLATION = "CrossOriginIsolation";
    inline constexpr const char* PUBLIC = "Public";
    inline constexpr const char* MAXIMUM_FILE_SIZE_ON_ORTHANC_PORT = "MaximumFileSizeOnOrthancPort";   // MiB
    inline constexpr const char* FRAME_ANCESTORS = "FrameAncestors";
    inline constexpr const char* SERVE_HIDDEN_FILES = "ServeHiddenFiles";
    inline constexpr const char* IMMUTABLE_NAME_PATTERN = "ImmutableNamePattern";

    // Written by the describer only: the headers that say who may frame the folder.
    inline constexpr const char* FRAME_HEADERS = "FrameHeaders";
  }

  // Written by the describer only, under "Upstream" (beside Orthanc's key names).
  namespace Upstream
  {
    inline constexpr const char* DICOM_WEB_ROOT = "DicomWebRoot";   // the effective DicomWeb.Root
    inline constexpr const char* HOST_CHECK = "HostCheck";
  }

  // The full path of a key of the "Cors" section, as messages name it:
  // CorsKeyPath(Cors::ALLOWED_HOSTS) is "Cors.AllowedHosts".
  std::string CorsKeyPath(std::string_view member);

  // The same for "Cors.Gateway": GatewayKeyPath(Gateway::PORT) is "Cors.Gateway.Port".
  std::string GatewayKeyPath(std::string_view member);
}
