// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

#include "Configuration/ConfigurationKeys.h"

namespace OrthancCors
{
  TEST(ConfigurationKeys, PathsForMessagesAreSpelledFromTheNames)
  {
    EXPECT_EQ("Cors.AllowedHosts", ConfigurationKeys::CorsKeyPath(ConfigurationKeys::Cors::ALLOWED_HOSTS));
    EXPECT_EQ("Cors.Gateway.Port", ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::PORT));
    EXPECT_EQ("Cors.Gateway.SslPrivateKey",
              ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::SSL_PRIVATE_KEY));
  }

  TEST(ConfigurationKeys, TheGatewayKeysTheDescriberWritesAreTheOnesTheParserReads)
  {
    Json::Value gateway = DescribeConfiguration(ParseCors("{}"))[ConfigurationKeys::Cors::GATEWAY];
    ASSERT_TRUE(gateway.isObject());
    gateway.removeMember(ConfigurationKeys::Gateway::BIND_ADDRESS_FORCED_TO_LOOPBACK);

    Json::Value cors(Json::objectValue);
    cors[ConfigurationKeys::Cors::GATEWAY] = gateway;
    Json::Value orthanc(Json::objectValue);
    orthanc[ConfigurationKeys::CORS] = cors;
    EXPECT_NO_THROW(ParseConfiguration(orthanc));
  }
}
