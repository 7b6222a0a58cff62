#include "Configuration.h"

#include "Folders.h"

namespace OrthancCors
{
  // The description uses the configuration's own key names, so that a user can
  // compare it with what they wrote; per-route values are the effective ones,
  // section defaults merged in. Paths only, never the content of a file.
  namespace
  {
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

    Json::Value DescribeRoute(const RoutePolicy& route)
    {
      Json::Value origins(Json::arrayValue);
      for (const OriginPattern& pattern : route.allowedOrigins)
      {
        origins.append(pattern.GetText());
      }

      Json::Value description(Json::objectValue);
      description["Prefix"] = route.prefix;
      description["AllowedOrigins"] = origins;
      description["AllowCredentials"] = route.allowCredentials;
      description["AllowedMethods"] = ToJson(route.allowedMethods);
      description["AllowedHeaders"] = ToJson(route.allowedHeaders);
      description["ExposedHeaders"] = ToJson(route.exposedHeaders);
      return description;
    }

    Json::Value DescribeGateway(const GatewaySettings& gateway)
    {
      Json::Value description(Json::objectValue);
      description["Enable"] = gateway.enabled;
      description["Port"] = gateway.port;
      description["BindAddress"] = gateway.bindAddress;
      description["BindAddressForcedToLoopback"] = gateway.bindAddressForcedToLoopback;
      description["SslEnabled"] = gateway.sslEnabled;
      description["SslCertificate"] = gateway.sslCertificate;
      description["SslPrivateKey"] = gateway.sslPrivateKey;
      description["Threads"] = gateway.threads;
      description["MaxConnections"] = gateway.maxConnections;
      description["MaxConnectionsPerClient"] = gateway.maxConnectionsPerClient;
      description["IdleTimeout"] = gateway.idleTimeoutSeconds;
      description["RequestHeaderTimeout"] = gateway.requestHeaderTimeoutSeconds;
      description["UpstreamTimeout"] = gateway.upstreamTimeoutSeconds;
      description["RequestBodyBufferSize"] = static_cast<Json::UInt64>(gateway.requestBodyBufferSize);
      return description;
    }

    Json::Value DescribeFolders(const std::vector<FolderSettings>& folders)
    {
      Json::Value description(Json::objectValue);
      for (const FolderSettings& folder : folders)
      {
        Json::Value entry(Json::objectValue);
        entry["Path"] = folder.path;
        entry["SinglePageApplication"] = folder.singlePageApplication;
        entry["CrossOriginIsolation"] = ToConfigurationValue(folder.crossOriginIsolation);
        // false: the gateway serves the folder to the clients Orthanc lets in (Orthanc's own
        // port always applies its authentication, whatever this says).
        entry["Public"] = folder.isPublic;
        description[folder.prefix] = entry;
      }
      return description;
    }

    Json::Value DescribeUpstream(const UpstreamSettings& upstream)
    {
      Json::Value description(Json::objectValue);
      description["HttpPort"] = upstream.httpPort;
      description["HttpServerEnabled"] = upstream.httpServerEnabled;
      description["SslEnabled"] = upstream.sslEnabled;
      description["RemoteAccessAllowed"] = upstream.remoteAccessAllowed;
      description["AuthenticationEnabled"] = upstream.authenticationEnabled;
      description["DicomWebRoot"] = upstream.dicomWebRoot;
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
    description["MaxAge"] = policy.GetMaxAgeSeconds();
    description["AllowPrivateNetwork"] = policy.IsPrivateNetworkAllowed();
    description["ResourcePolicy"] = policy.GetResourcePolicy();
    description["Routes"] = routes;
    description["RejectForeignOrigins"] = configuration.rejectForeignOrigins;
    Json::Value allowedHosts(Json::arrayValue);
    for (const std::string& host : configuration.allowedHosts.GetListedHosts())
    {
      allowedHosts.append(host);
    }
    description["AllowedHosts"] = allowedHosts;
    description["Gateway"] = DescribeGateway(configuration.gateway);
    description["Folders"] = DescribeFolders(configuration.folders);
    description["Extensions"] = extensions;
    description["AllowCache"] = configuration.allowCache;
    description["GenerateETag"] = configuration.generateETag;
    description["Upstream"] = DescribeUpstream(configuration.upstream);   // read from Orthanc's own settings
    description["Upstream"]["HostCheck"] = configuration.allowedHosts.IsRestricted() ?
      "requests must name a loopback host or one of AllowedHosts in Host" :
      "off: RemoteAccessAllowed is true and AllowedHosts is empty (or lists \"*\")";
    return description;
  }
}
