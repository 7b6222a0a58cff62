// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

#include <sstream>

namespace OrthancCors
{
  namespace
  {
    // Configuration.json.example sits at the root of the source tree, two levels
    // above this file.
    Json::Value ReadExampleConfiguration()
    {
      const std::filesystem::path path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
        "Configuration.json.example";
      std::ifstream file(path);
      if (!file)
      {
        throw std::runtime_error("cannot read " + path.string());
      }
      std::stringstream content;
      content << file.rdbuf();
      return ParseJson(content.str());   // Orthanc's reader accepts comments, as this one does
    }
  }

  TEST(ExampleConfiguration, ExampleConfigurationFileIsAccepted)
  {
    const std::optional<Configuration> configuration = ParseConfiguration(ReadExampleConfiguration());
    ASSERT_TRUE(configuration.has_value());
    EXPECT_FALSE(configuration->policy.GetRoutes().empty());
    EXPECT_TRUE(configuration->gateway.enabled);
  }

  TEST(ExampleConfiguration, ExampleConfigurationWritesEveryKey)
  {
    // The example is the reference: each key appears in it, with its comment.
    const Json::Value example = ReadExampleConfiguration();
    ASSERT_TRUE(example.isMember("Cors"));
    const Json::Value& cors = example["Cors"];

    for (const char* key : { "AllowedOrigins", "AllowCredentials", "AllowedMethods", "AllowedHeaders", "ExposedHeaders",
                             "MaxAge", "AllowPrivateNetwork", "ResourcePolicy", "Routes", "RejectForeignOrigins",
                             "Gateway", "Folders", "Extensions", "AllowCache", "GenerateETag" })
    {
      EXPECT_TRUE(cors.isMember(key)) << key;
    }

    for (const char* key : { "Enable", "Port", "BindAddress", "SslEnabled", "SslCertificate", "SslPrivateKey",
                             "Threads", "MaxConnections", "MaxConnectionsPerClient", "TrustedProxies", "IdleTimeout",
                             "RequestHeaderTimeout", "UpstreamTimeout", "RequestBodyBufferSize" })
    {
      EXPECT_TRUE(cors["Gateway"].isMember(key)) << key;
    }
  }
}
