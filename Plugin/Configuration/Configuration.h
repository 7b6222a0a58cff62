// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/AddressRanges.h"
#include "../Folders/FolderSettings.h"
#include "../Policy/HostAllowList.h"
#include "../Policy/Policy.h"

#include <json/value.h>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace OrthancCors
{
  // The oldest TLS version the gateway accepts.
  enum class TlsVersion
  {
    Tls12,
    Tls13
  };

  // "TLSv1.2", "TLSv1.3": as OpenSSL and nginx name them.
  std::string ToString(TlsVersion version);

  // Mozilla's "intermediate" TLS 1.2 suites, ECDHE key exchange only (the DHE
  // suites of that profile are left out: forward secrecy without finite-field
  // parameters to maintain), in its order of preference.
  std::vector<std::string> GetDefaultSslCiphers();

  struct GatewaySettings
  {
    bool enabled = true;
    uint16_t port = 8043;
    std::string bindAddress = "0.0.0.0";   // forced to "127.0.0.1" when Orthanc's RemoteAccessAllowed is false
    bool bindAddressForcedToLoopback = false;   // true when that happened, so that the plugin logs it
    bool sslEnabled = false;
    std::string sslCertificate;            // PEM file, canonical path, readable (when sslEnabled)
    std::string sslPrivateKey;             // the same; the certificate file when not configured
    TlsVersion sslMinimumProtocolVersion = TlsVersion::Tls12;
    std::vector<std::string> sslCiphers = GetDefaultSslCiphers();   // OpenSSL names of TLS 1.2 suites; TLS 1.3 keeps OpenSSL's
    std::string accessLog;                 // file path (as configured); empty: no access log
    unsigned int threads = 0;              // 0 = hardware threads
    unsigned int maxConnections = 1000;
    unsigned int maxConnectionsPerClient = 100;     // per client address; at most maxConnections
    // Load balancers whose PROXY protocol header and X-Forwarded-For name the client.
    AddressRanges trustedProxies;
    unsigned int idleTimeoutSeconds = 60;
    unsigned int requestHeaderTimeoutSeconds = 10;  // first request of a connection; at most idleTimeoutSeconds
    unsigned int upstreamTimeoutSeconds = 300;
    std::size_t requestBodyBufferSize = 1024 * 1024;   // bytes; 0 = every body streams
    // An answer is read from Orthanc at Orthanc's pace: into memory up to
    // responseBufferSize, then into an unnamed temporary file in
    // responseTemporaryFolder up to responseTemporaryFileLimit (and all answers'
    // files together up to responseTemporaryFilesLimit), then at the client's pace.
    std::size_t responseBufferSize = 256 * 1024;                  // bytes, per answer
    std::string responseTemporaryFolder;                          // canonical; default: the system's temporary folder
    uint64_t responseTemporaryFileLimit = 1024ull * 1024 * 1024;  // bytes, per answer; 0 = no temporary file
    uint64_t responseTemporaryFilesLimit = 4096ull * 1024 * 1024; // bytes, all answers of the gateway
    // These are the effective values, checked once by ReadGatewaySection: the
    // gateway uses them as they are.
  };

  // How the gateway reaches Orthanc's own HTTP server, read from Orthanc's settings.
  struct UpstreamSettings
  {
    uint16_t httpPort = 8042;              // HttpPort
    bool httpServerEnabled = true;         // HttpServerEnabled
    bool sslEnabled = false;               // SslEnabled
    bool remoteAccessAllowed = false;      // RemoteAccessAllowed (Orthanc's default is false)
    bool authenticationEnabled = false;    // AuthenticationEnabled (effective value)
    std::string dicomWebRoot = "/dicom-web/";   // DicomWeb.Root, normalized to end with "/"
  };

  // The whole, validated "Cors" section plus the Orthanc settings it depends on.
  struct Configuration
  {
    Policy policy;
    bool rejectForeignOrigins = true;
    HostAllowList allowedHosts;                     // Cors.AllowedHosts, restricted by RemoteAccessAllowed false
    GatewaySettings gateway;
    UpstreamSettings upstream;
    std::vector<FolderSettings> folders;            // as configured; FolderServer finds the longest match
    std::map<std::string, std::string> mimeTypes;   // lower-case extension with dot -> MIME type, overrides
    bool allowCache = true;
    bool generateETag = true;
  };

  // Parses Orthanc's whole configuration (the JSON OrthancPluginGetConfiguration
  // returns). Returns std::nullopt when there is no "Cors" section (the plugin stays
  // inactive). Throws ConfigurationError naming the key for anything invalid:
  // unknown keys, wrong types, out-of-range numbers, invalid origins or regexes,
  // credentials with "*"/"null" origins or "*" header lists, a folder that is not
  // a readable directory, unreadable TLS files. The example configuration,
  // Configuration.json.example, documents every key, its type and its default.
  // Without "Routes", the policy exposes the DICOMweb root, "/wado" and every
  // folder prefix but "/" (a default never exposes the whole of Orthanc).
  std::optional<Configuration> ParseConfiguration(const Json::Value& orthancConfiguration);

  // Every key the "Cors" section accepts (its objects, such as "Gateway", list their own).
  std::vector<std::string> GetCorsSectionKeys();

  // The effective policy and settings as JSON, for GET /cors/policy: the "Cors"
  // key names, every route with all its effective fields, paths (never file
  // contents), plus "Upstream" (what was read from Orthanc's own settings),
  // "Gateway.BindAddressForcedToLoopback" and each folder's "FrameHeaders" (the
  // headers that decide who may frame it). Without these additions it parses back,
  // as a "Cors" section, to the same configuration.
  Json::Value DescribeConfiguration(const Configuration& configuration);
}
