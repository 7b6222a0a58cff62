// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

namespace OrthancCors
{
  namespace
  {
    UpstreamSettings UpstreamOf(const std::string& orthancSettings)
    {
      const std::optional<Configuration> configuration = ParseConfiguration(
        ParseJson("{ " + orthancSettings + (orthancSettings.empty() ? "" : ", ") +
                  "\"Cors\": { \"Gateway\": { \"Enable\": false } } }"));
      if (!configuration)
      {
        throw std::runtime_error("no configuration");
      }
      return configuration->upstream;
    }
  }

  TEST(OrthancSettings, DefaultsAreOrthancDefaults)
  {
    const UpstreamSettings upstream = UpstreamOf("");
    EXPECT_EQ(8042, upstream.httpPort);
    EXPECT_TRUE(upstream.httpServerEnabled);
    EXPECT_FALSE(upstream.sslEnabled);
    EXPECT_FALSE(upstream.remoteAccessAllowed);
    EXPECT_FALSE(upstream.authenticationEnabled);
    EXPECT_EQ("/dicom-web/", upstream.dicomWebRoot);
  }

  TEST(OrthancSettings, OrthancSettingsAreRead)
  {
    const UpstreamSettings upstream = UpstreamOf(R"("HttpPort": 8080, "SslEnabled": true,
      "RemoteAccessAllowed": true, "AuthenticationEnabled": false, "DicomWeb": { "Root": "/dcm/" })");
    EXPECT_EQ(8080, upstream.httpPort);
    EXPECT_TRUE(upstream.sslEnabled);
    EXPECT_TRUE(upstream.remoteAccessAllowed);
    EXPECT_FALSE(upstream.authenticationEnabled);
    EXPECT_EQ("/dcm/", upstream.dicomWebRoot);
  }

  TEST(OrthancSettings, DisabledHttpServerIsRead)
  {
    EXPECT_FALSE(UpstreamOf(R"("HttpServerEnabled": false)").httpServerEnabled);
  }

  TEST(OrthancSettings, AuthenticationIsOnByDefaultWhenRemoteAccessIsAllowed)
  {
    EXPECT_TRUE(UpstreamOf(R"("RemoteAccessAllowed": true)").authenticationEnabled);
    EXPECT_TRUE(UpstreamOf(R"("AuthenticationEnabled": true)").authenticationEnabled);
  }

  TEST(OrthancSettings, DicomWebRootIsNormalizedToStartAndEndWithSlash)
  {
    EXPECT_EQ("/dicom/", UpstreamOf(R"("DicomWeb": { "Root": "dicom" })").dicomWebRoot);
    EXPECT_EQ("/dicom/", UpstreamOf(R"("DicomWeb": { "Root": "/dicom" })").dicomWebRoot);
    EXPECT_EQ("/dicom-web/", UpstreamOf(R"("DicomWeb": { "Enable": true })").dicomWebRoot);
  }

  TEST(OrthancSettings, WrongOrthancSettingIsRefusedNamingIt)
  {
    EXPECT_TRUE(IsRefused(ParseJson(R"({ "HttpPort": "8042", "Cors": {} })"), "HttpPort", "expected an integer"));
    EXPECT_TRUE(IsRefused(ParseJson(R"({ "RemoteAccessAllowed": "true", "Cors": {} })"), "RemoteAccessAllowed"));
    EXPECT_TRUE(IsRefused(ParseJson(R"({ "DicomWeb": { "Root": 1 }, "Cors": {} })"), "DicomWeb.Root"));
  }

  TEST(OrthancSettings, OrthancSettingsAreNotReadWithoutCorsSection)
  {
    // An inactive plugin must not stop Orthanc over settings that are Orthanc's business.
    EXPECT_FALSE(ParseConfiguration(ParseJson(R"({ "HttpPort": "8042" })")).has_value());
  }
}
