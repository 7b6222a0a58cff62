// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Configuration.h"

#include "ConfigurationKeys.h"
#include "Folders.h"
#include "../Folders/FolderHeaders.h"

namespace OrthancCors
{
  // The description uses the configuration's own key names, so that a user can
  // compare it with what they wrote; per-route values are the effective ones,
  // section defaults merged in. Paths only, never the content of a file.
  namespace
  {
    using namespace ConfigurationKeys;

    Json::Value ToJson(const std::vector<std::string>& strings)
    {
      Json::Value array(Json::arrayValue);
      for (const std::string& s : strings)
      {
        array.append(s);
      }
      return array;
    }

    Json::Value ToJson(const HeaderNameSet& headers)
    {
      Json::Value array = ToJson(headers.names);
      if (headers.wildcard)
      {
        array.append("*");
      }
      return array;
    }

    Json::Value ToJson(const std::vector<OriginPattern>& patterns)
    {
      Json::Value array(Json::arrayValue);
      for (const OriginPattern& pattern : patterns)
      {
        array.append(pattern.GetText());
      }
      return array;
    }

    Json::Value DescribeRoute(const RoutePolicy& route)
    {
      Json::Value description(Json::objectValue);
      description[Route::PREFIX] = route.prefix;
      description[Cors::ALLOWED_ORIGINS] = ToJson(route.allowedOrigins);
      description[Cors::ALLOW_CREDENTIALS] = route.allowCredentials;
      description[Cors::ALLOWED_METHODS] = ToJson(route.allowedMethods);
      description[Cors::ALLOWED_HEADERS] = ToJson(route.allowedHeaders);
      description[Cors::EXPOSED_HEADERS] = ToJson(route.exposedHeaders);
      return description;
    }

    Json::Value DescribeGateway(const GatewaySettings& gateway)
    {
      Json::Value description(Json::objectValue);
      description[Gateway::ENABLE] = gateway.enabled;
      description[Gateway::PORT] = gateway.port;
      description[Gateway::BIND_ADDRESS] = gateway.bindAddress;
      description[Gateway::BIND_ADDRESS_FORCED_TO_LOOPBACK] = gateway.bindAddressForcedToLoopback;
      description[Gateway::SSL_ENABLED] = gateway.sslEnabled;
      description[Gateway::SSL_CERTIFICATE] = gateway.sslCertificate;
      description[Gateway::SSL_PRIVATE_KEY] = gateway.sslPrivateKey;
      description[Gateway::SSL_MINIMUM_PROTOCOL_VERSION] = ToString(gateway.sslMinimumProtocolVersion);
      description[Gateway::SSL_CIPHERS] = ToJson(gateway.sslCiphers);
      description[Gateway::ACCESS_LOG] = gateway.accessLog;
      description[Gateway::THREADS] = gateway.threads;
      description[Gateway::MAX_CONNECTIONS] = gateway.maxConnections;
      description[Gateway::MAX_CONNECTIONS_PER_CLIENT] = gateway.maxConnectionsPerClient;
      description[Gateway::TRUSTED_PROXIES] = ToJson(gateway.trustedProxies.Describe());
      description[Gateway::IDLE_TIMEOUT] = gateway.idleTimeoutSeconds;
      description[Gateway::REQUEST_HEADER_TIMEOUT] = gateway.requestHeaderTimeoutSeconds;
      description[Gateway::UPSTREAM_TIMEOUT] = gateway.upstreamTimeoutSeconds;
      description[Gateway::REQUEST_BODY_BUFFER_SIZE] = static_cast<Json::UInt64>(gateway.requestBodyBufferSize);
      description[Gateway::RESPONSE_BUFFER_SIZE] = static_cast<Json::UInt64>(gateway.responseBufferSize);
      description[Gateway::RESPONSE_TEMPORARY_FOLDER] = gateway.responseTemporaryFolder;
      description[Gateway::RESPONSE_TEMPORARY_FILE_LIMIT] = static_cast<Json::UInt64>(gateway.responseTemporaryFileLimit);
      description[Gateway::RESPONSE_TEMPORARY_FILES_LIMIT] = static_cast<Json::UInt64>(gateway.responseTemporaryFilesLimit);
      return description;
    }

    Json::Value DescribeFolders(const std::vector<FolderSettings>& folders)
    {
      Json::Value description(Json::objectValue);
      for (const FolderSettings& folder : folders)
      {
        Json::Value entry(Json::objectValue);
        entry[Folder::PATH] = folder.path;
        entry[Folder::SINGLE_PAGE_APPLICATION] = folder.singlePageApplication;
        entry[Folder::CROSS_ORIGIN_ISOLATION] = ToConfigurationValue(folder.crossOriginIsolation);
        // false: the gateway serves the folder to the clients Orthanc lets in (Orthanc's own
        // port always applies its authentication, whatever this says).
        entry[Folder::PUBLIC] = folder.isPublic;
        if (folder.prefix != "/")   // the root folder is not served on Orthanc's port
        {
          entry[Folder::MAXIMUM_FILE_SIZE_ON_ORTHANC_PORT] =
            Json::UInt64(folder.maxBytesOnOrthancPort / (1024 * 1024));
        }
        entry[Folder::FRAME_ANCESTORS] = ToJson(folder.framePolicy.GetAncestors());
        entry[Folder::SERVE_HIDDEN_FILES] = folder.serveHiddenFiles;
        // The effective pattern, the default one included, so that an administrator sees it.
        entry[Folder::IMMUTABLE_NAME_PATTERN] = folder.immutableNames.GetText();
        Json::Value frameHeaders(Json::objectValue);
        for (const HttpHeader& header : GetFramingHeaders(folder))
        {
          frameHeaders[header.name] = header.value;
        }
        entry[Folder::FRAME_HEADERS] = frameHeaders;
        description[folder.prefix] = entry;
      }
      return description;
    }

    Json::Value DescribeUpstream(const UpstreamSettings& upstream)
    {
      Json::Value description(Json::objectValue);
      description[Orthanc::HTTP_PORT] = upstream.httpPort;
      description[Orthanc::HTTP_SERVER_ENABLED] = upstream.httpServerEnabled;
      description[Orthanc::SSL_ENABLED] = upstream.sslEnabled;
      description[Orthanc::REMOTE_ACCESS_ALLOWED] = upstream.remoteAccessAllowed;
      description[Orthanc::AUTHENTICATION_ENABLED] = upstream.authenticationEnabled;
      description[Upstream::DICOM_WEB_ROOT] = upstream.dicomWebRoot;
      return description;
    }
  }

  Json::Value DescribeConfiguration(const Configuration& configuration)
  {
    const Policy& policy = configuration.policy;

    Json::Value routes(Json::arrayValue);
    for (const RoutePolicy& route : policy.GetRoutes())
    {
      routes.append(DescribeRoute(route));
    }

    Json::Value extensions(Json::objectValue);
    for (const auto& [extension, mime] : configuration.mimeTypes)
    {
      extensions[extension] = mime;
    }

    Json::Value description(Json::objectValue);
    description[Cors::MAX_AGE] = policy.GetMaxAgeSeconds();
    description[Cors::ALLOW_PRIVATE_NETWORK] = policy.IsPrivateNetworkAllowed();
    description[Cors::RESOURCE_POLICY] = policy.GetResourcePolicy();
    description[Cors::ROUTES] = routes;
    description[Cors::REJECT_FOREIGN_ORIGINS] = configuration.rejectForeignOrigins;
    Json::Value allowedHosts(Json::arrayValue);
    for (const std::string& host : configuration.allowedHosts.GetListedHosts())
    {
      allowedHosts.append(host);
    }
    description[Cors::ALLOWED_HOSTS] = allowedHosts;
    description[Cors::GATEWAY] = DescribeGateway(configuration.gateway);
    description[Cors::FOLDERS] = DescribeFolders(configuration.folders);
    description[Cors::EXTENSIONS] = extensions;
    description[Cors::ALLOW_CACHE] = configuration.allowCache;
    description[Cors::GENERATE_ETAG] = configuration.generateETag;
    Json::Value& upstream = description[Cors::UPSTREAM];
    upstream = DescribeUpstream(configuration.upstream);   // read from Orthanc's own settings
    upstream[Upstream::HOST_CHECK] = configuration.allowedHosts.IsRestricted() ?
      std::string("requests must name a loopback host or one of ") + Cors::ALLOWED_HOSTS + " in Host" :
      std::string("off: ") + Orthanc::REMOTE_ACCESS_ALLOWED + " is true and " + Cors::ALLOWED_HOSTS +
      " is empty (or lists \"*\")";
    return description;
  }
}
