// SPDX-License-Identifier: AGPL-3.0-or-later

#include "GatewaySection.h"

#include "ConfigurationError.h"
#include "ConfigurationKeys.h"
#include "FileSystemChecks.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <limits>
#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    using ConfigurationKeys::Cors::GATEWAY;
    using namespace ConfigurationKeys::Gateway;

    // A buffered body is held in memory by the gateway: bounded per connection.
    const int64_t MAX_REQUEST_BODY_BUFFER_SIZE = 64 * 1024 * 1024;

    // An answer's memory buffer, per connection: from one streaming block to 64 MiB.
    const int64_t MIN_RESPONSE_BUFFER_SIZE = 64 * 1024;
    const int64_t MAX_RESPONSE_BUFFER_SIZE = 64 * 1024 * 1024;

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

    // Cors.Gateway.SslMinimumProtocolVersion: OpenSSL's names, or Orthanc's own
    // numbering of its SslMinimumProtocolVersion (4: TLS 1.2), extended with 5
    // for TLS 1.3, so that a value copied from Orthanc's configuration works.
    TlsVersion ReadMinimumProtocolVersion(const ConfigurationObject& section)
    {
      const std::string key = section.KeyOf(SSL_MINIMUM_PROTOCOL_VERSION);
      const std::string expected = "\"TLSv1.2\" (or 4, as in Orthanc's SslMinimumProtocolVersion) or "
        "\"TLSv1.3\" (or 5)";
      if (!section.Has(SSL_MINIMUM_PROTOCOL_VERSION))
      {
        return TlsVersion::Tls12;
      }
      const Json::Value& value = section.Get(SSL_MINIMUM_PROTOCOL_VERSION);
      if (value.isString())
      {
        const std::string name = value.asString();
        if (name == "TLSv1.2")
        {
          return TlsVersion::Tls12;
        }
        if (name == "TLSv1.3")
        {
          return TlsVersion::Tls13;
        }
        if (name == "SSLv2" || name == "SSLv3" || name == "TLSv1" || name == "TLSv1.0" || name == "TLSv1.1")
        {
          throw ConfigurationError(key, "\"" + name + "\" is broken or deprecated (RFC 8996) and is never "
                                   "accepted by the gateway; expected " + expected);
        }
        throw ConfigurationError(key, "\"" + name + "\" is not a TLS version; expected " + expected);
      }
      if (value.isInt64() && !value.isBool())
      {
        const int64_t number = value.asInt64();
        if (number == 4)
        {
          return TlsVersion::Tls12;
        }
        if (number == 5)
        {
          return TlsVersion::Tls13;
        }
        if (number >= 0 && number <= 3)
        {
          throw ConfigurationError(key, std::to_string(number) + " would accept SSL or TLS versions older than "
                                   "1.2, broken or deprecated (RFC 8996), which the gateway never accepts; "
                                   "expected " + expected);
        }
        throw ConfigurationError(key, std::to_string(number) + " is not a TLS version; expected " + expected);
      }
      throw ConfigurationError(key, "expected " + expected + ", not a value of this type");
    }

    AddressRanges ReadTrustedProxies(const ConfigurationObject& section)
    {
      AddressRanges trusted;
      if (!section.Has(TRUSTED_PROXIES))
      {
        return trusted;
      }
      const std::string key = section.KeyOf(TRUSTED_PROXIES);
      const std::vector<std::string> entries = ReadStringList(section.Get(TRUSTED_PROXIES), key);
      for (std::size_t i = 0; i < entries.size(); i++)
      {
        try
        {
          trusted.Add(entries[i]);
        }
        catch (const std::invalid_argument& e)
        {
          throw ConfigurationError(ElementKey(key, static_cast<Json::ArrayIndex>(i)), e.what());
        }
        const std::string added = trusted.Describe().back();
        if (added.size() >= 2 && added.compare(added.size() - 2, 2, "/0") == 0)
        {
          throw ConfigurationError(ElementKey(key, static_cast<Json::ArrayIndex>(i)), "\"" + entries[i] +
                                   "\" trusts every address: any client could then claim any address; list "
                                   "the load balancers' addresses only");
        }
      }
      return trusted;
    }

    // The names are checked against OpenSSL when the gateway loads its TLS
    // context (TlsContext.cpp); here, what a name can never be.
    std::vector<std::string> ReadCiphers(const ConfigurationObject& section)
    {
      if (!section.Has(SSL_CIPHERS))
      {
        return GetDefaultSslCiphers();
      }
      const std::string key = section.KeyOf(SSL_CIPHERS);
      const std::vector<std::string> ciphers = ReadStringList(section.Get(SSL_CIPHERS), key);
      if (ciphers.empty())
      {
        throw ConfigurationError(key, "no TLS 1.2 cipher suite listed: to accept TLS 1.3 only, set " +
                                 section.KeyOf(SSL_MINIMUM_PROTOCOL_VERSION) + " to \"TLSv1.3\" instead");
      }
      for (std::size_t i = 0; i < ciphers.size(); i++)
      {
        const std::string& name = ciphers[i];
        const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c)
        {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
        if (!valid)
        {
          throw ConfigurationError(ElementKey(key, static_cast<Json::ArrayIndex>(i)), "\"" + name + "\" is not "
                                   "the OpenSSL name of one cipher suite (such as \"ECDHE-RSA-AES128-GCM-SHA256\"; "
                                   "one suite per entry, no cipher string)");
        }
      }
      return ciphers;
    }
  }


  std::string ToString(TlsVersion version)
  {
    return version == TlsVersion::Tls13 ? "TLSv1.3" : "TLSv1.2";
  }


  std::vector<std::string> GetDefaultSslCiphers()
  {
    return {
      "ECDHE-ECDSA-AES128-GCM-SHA256",
      "ECDHE-RSA-AES128-GCM-SHA256",
      "ECDHE-ECDSA-AES256-GCM-SHA384",
      "ECDHE-RSA-AES256-GCM-SHA384",
      "ECDHE-ECDSA-CHACHA20-POLY1305",
      "ECDHE-RSA-CHACHA20-POLY1305"
    };
  }

  std::vector<std::string> GetGatewaySectionKeys()
  {
    return { ENABLE, PORT, BIND_ADDRESS, SSL_ENABLED, SSL_CERTIFICATE, SSL_PRIVATE_KEY,
             SSL_MINIMUM_PROTOCOL_VERSION, SSL_CIPHERS, ACCESS_LOG, THREADS, MAX_CONNECTIONS,
             MAX_CONNECTIONS_PER_CLIENT, TRUSTED_PROXIES, IDLE_TIMEOUT, REQUEST_HEADER_TIMEOUT, UPSTREAM_TIMEOUT,
             REQUEST_BODY_BUFFER_SIZE, RESPONSE_BUFFER_SIZE, RESPONSE_TEMPORARY_FOLDER,
             RESPONSE_TEMPORARY_FILE_LIMIT, RESPONSE_TEMPORARY_FILES_LIMIT };
  }

  GatewaySettings ReadGatewaySection(const ConfigurationObject& cors, const UpstreamSettings& upstream)
  {
    GatewaySettings gateway;

    const Json::Value empty(Json::objectValue);
    const ConfigurationObject section(cors.Has(GATEWAY) ? cors.Get(GATEWAY) : empty, cors.KeyOf(GATEWAY));
    section.RefuseUnknownKeys(GetGatewaySectionKeys());

    gateway.enabled = section.GetBoolean(ENABLE, gateway.enabled);
    gateway.port = static_cast<uint16_t>(section.GetInteger(PORT, gateway.port, 1, 65535));
    gateway.bindAddress = section.GetString(BIND_ADDRESS, gateway.bindAddress);
    gateway.sslEnabled = section.GetBoolean(SSL_ENABLED, gateway.sslEnabled);
    gateway.sslCertificate = section.GetString(SSL_CERTIFICATE, "");
    gateway.sslPrivateKey = section.GetString(SSL_PRIVATE_KEY, "");
    gateway.sslMinimumProtocolVersion = ReadMinimumProtocolVersion(section);
    gateway.sslCiphers = ReadCiphers(section);
    gateway.accessLog = section.GetString(ACCESS_LOG, "");
    gateway.threads = static_cast<unsigned int>(section.GetInteger(THREADS, gateway.threads, 0, 256));
    gateway.maxConnections = static_cast<unsigned int>(
      section.GetInteger(MAX_CONNECTIONS, gateway.maxConnections, 1, MAX_UNSIGNED));
    // The defaults of the two dependent keys shrink with the key they depend on,
    // so that a configuration setting only MaxConnections or IdleTimeout stays valid.
    gateway.maxConnectionsPerClient = static_cast<unsigned int>(
      section.GetInteger(MAX_CONNECTIONS_PER_CLIENT, std::min(gateway.maxConnectionsPerClient, gateway.maxConnections),
                         1, gateway.maxConnections, "at most " + section.KeyOf(MAX_CONNECTIONS)));
    gateway.trustedProxies = ReadTrustedProxies(section);
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
    gateway.responseBufferSize = static_cast<std::size_t>(
      section.GetInteger(RESPONSE_BUFFER_SIZE, static_cast<int64_t>(gateway.responseBufferSize),
                         MIN_RESPONSE_BUFFER_SIZE, MAX_RESPONSE_BUFFER_SIZE));
    gateway.responseTemporaryFilesLimit = static_cast<uint64_t>(
      section.GetInteger(RESPONSE_TEMPORARY_FILES_LIMIT, static_cast<int64_t>(gateway.responseTemporaryFilesLimit),
                         0, std::numeric_limits<int64_t>::max()));
    // The default follows the total, so that a configuration lowering only the total stays valid.
    gateway.responseTemporaryFileLimit = static_cast<uint64_t>(
      section.GetInteger(RESPONSE_TEMPORARY_FILE_LIMIT,
                         static_cast<int64_t>(std::min(gateway.responseTemporaryFileLimit,
                                                       gateway.responseTemporaryFilesLimit)),
                         0, static_cast<int64_t>(gateway.responseTemporaryFilesLimit),
                         "at most " + section.KeyOf(RESPONSE_TEMPORARY_FILES_LIMIT)));
    gateway.responseTemporaryFolder = section.GetString(RESPONSE_TEMPORARY_FOLDER, "");

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

    if (gateway.responseTemporaryFileLimit > 0)
    {
      gateway.responseTemporaryFolder = ResolveWritableDirectory(
        gateway.responseTemporaryFolder.empty() ? GetSystemTemporaryFolder() : gateway.responseTemporaryFolder,
        section.KeyOf(RESPONSE_TEMPORARY_FOLDER));
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
