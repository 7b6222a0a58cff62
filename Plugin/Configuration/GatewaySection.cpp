#include "GatewaySection.h"

#include "ConfigurationError.h"
#include "ConfigurationKeys.h"
#include "FileSystemChecks.h"

#include <algorithm>
#include <arpa/inet.h>
#include <limits>

namespace OrthancCors
{
  namespace
  {
    using ConfigurationKeys::Cors::GATEWAY;
    using namespace ConfigurationKeys::Gateway;

    // A buffered body is held in memory by the gateway: bounded per connection.
    const int64_t MAX_REQUEST_BODY_BUFFER_SIZE = 64 * 1024 * 1024;

    const int64_t MAX_UNSIGNED = std::numeric_limits<unsigned int>::max();

    bool IsIpv4(const std::string& address)
    {
      in_addr parsed;
      return ::inet_pton(AF_INET, address.c_str(), &parsed) == 1;
    }

    bool IsIpv6(const std::string& address)
    {
      in6_addr parsed;
      return ::inet_pton(AF_INET6, address.c_str(), &parsed) == 1;
    }

    bool IsLoopback(const std::string& address)
    {
      in_addr v4;
      in6_addr v6;
      if (::inet_pton(AF_INET, address.c_str(), &v4) == 1)
      {
        return (ntohl(v4.s_addr) >> 24) == 127;   // 127.0.0.0/8
      }
      else if (::inet_pton(AF_INET6, address.c_str(), &v6) == 1)
      {
        return IN6_IS_ADDR_LOOPBACK(&v6);
      }
      else
      {
        return false;
      }
    }
  }

  GatewaySettings ReadGatewaySection(const ConfigurationObject& cors, const UpstreamSettings& upstream)
  {
    GatewaySettings gateway;

    const Json::Value empty(Json::objectValue);
    const ConfigurationObject section(cors.Has(GATEWAY) ? cors.Get(GATEWAY) : empty, cors.KeyOf(GATEWAY));
    section.RefuseUnknownKeys({ ENABLE, PORT, BIND_ADDRESS, SSL_ENABLED, SSL_CERTIFICATE, SSL_PRIVATE_KEY,
                                THREADS, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT, IDLE_TIMEOUT,
                                REQUEST_HEADER_TIMEOUT, UPSTREAM_TIMEOUT, REQUEST_BODY_BUFFER_SIZE });

    gateway.enabled = section.GetBoolean(ENABLE, gateway.enabled);
    gateway.port = static_cast<uint16_t>(section.GetInteger(PORT, gateway.port, 1, 65535));
    gateway.bindAddress = section.GetString(BIND_ADDRESS, gateway.bindAddress);
    gateway.sslEnabled = section.GetBoolean(SSL_ENABLED, gateway.sslEnabled);
    gateway.sslCertificate = section.GetString(SSL_CERTIFICATE, "");
    gateway.sslPrivateKey = section.GetString(SSL_PRIVATE_KEY, "");
    gateway.threads = static_cast<unsigned int>(section.GetInteger(THREADS, gateway.threads, 0, 256));
    gateway.maxConnections = static_cast<unsigned int>(
      section.GetInteger(MAX_CONNECTIONS, gateway.maxConnections, 1, MAX_UNSIGNED));
    // The defaults of the two dependent keys shrink with the key they depend on,
    // so that a configuration setting only MaxConnections or IdleTimeout stays valid.
    gateway.maxConnectionsPerClient = static_cast<unsigned int>(
      section.GetInteger(MAX_CONNECTIONS_PER_CLIENT, std::min(gateway.maxConnectionsPerClient, gateway.maxConnections),
                         1, gateway.maxConnections, "at most " + section.KeyOf(MAX_CONNECTIONS)));
    gateway.idleTimeoutSeconds = static_cast<unsigned int>(
      section.GetInteger(IDLE_TIMEOUT, gateway.idleTimeoutSeconds, 1, MAX_UNSIGNED));
    gateway.requestHeaderTimeoutSeconds = static_cast<unsigned int>(
      section.GetInteger(REQUEST_HEADER_TIMEOUT,
                         std::min(gateway.requestHeaderTimeoutSeconds, gateway.idleTimeoutSeconds),
                         1, gateway.idleTimeoutSeconds, "at most " + section.KeyOf(IDLE_TIMEOUT)));
    gateway.upstreamTimeoutSeconds = static_cast<unsigned int>(
      section.GetInteger(UPSTREAM_TIMEOUT, gateway.upstreamTimeoutSeconds, 1, MAX_UNSIGNED));
    gateway.requestBodyBufferSize = static_cast<std::size_t>(
      section.GetInteger(REQUEST_BODY_BUFFER_SIZE, static_cast<int64_t>(gateway.requestBodyBufferSize),
                         0, MAX_REQUEST_BODY_BUFFER_SIZE));

    if (!IsIpv4(gateway.bindAddress) && !IsIpv6(gateway.bindAddress))
    {
      throw ConfigurationError(section.KeyOf(BIND_ADDRESS), "\"" + gateway.bindAddress + "\" is not an IPv4 "
                               "or IPv6 address (such as \"0.0.0.0\", \"127.0.0.1\" or \"::\")");
    }

    // Orthanc refuses remote clients in that case; the gateway must not open a
    // side door to them.
    if (!upstream.remoteAccessAllowed && !IsLoopback(gateway.bindAddress))
    {
      gateway.bindAddress = "127.0.0.1";
      gateway.bindAddressForcedToLoopback = true;
    }

    if (!gateway.enabled)
    {
      return gateway;
    }

    if (gateway.port == upstream.httpPort)
    {
      throw ConfigurationError(section.KeyOf(PORT), std::to_string(gateway.port) + " is Orthanc's own "
                               "HttpPort: the gateway needs a port of its own");
    }

    if (gateway.sslEnabled)
    {
      gateway.sslCertificate = ResolveReadableFile(gateway.sslCertificate, section.KeyOf(SSL_CERTIFICATE));
      gateway.sslPrivateKey = gateway.sslPrivateKey.empty() ?
        gateway.sslCertificate :
        ResolveReadableFile(gateway.sslPrivateKey, section.KeyOf(SSL_PRIVATE_KEY));
    }

    return gateway;
  }
}
