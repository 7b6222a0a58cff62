// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

namespace OrthancCors
{
  TEST(Description, DescriptionUsesTheConfigurationKeyNames)
  {
    const Json::Value description = DescribeConfiguration(ParseCors("{}"));
    for (const char* key : { "MaxAge", "AllowPrivateNetwork", "ResourcePolicy", "Routes", "RejectForeignOrigins",
                             "Gateway", "Folders", "Extensions", "AllowCache", "GenerateETag" })
    {
      EXPECT_TRUE(description.isMember(key)) << key;
    }
    EXPECT_EQ(600, description["MaxAge"].asInt());
    EXPECT_EQ("cross-origin", description["ResourcePolicy"].asString());
  }

  TEST(Description, RoutesAreDescribedWithEveryEffectiveField)
  {
    const Json::Value description = DescribeConfiguration(ParseCors(R"({
      "AllowedOrigins": [ "http://localhost:3000" ], "AllowedHeaders": [ "Authorization", "*" ],
      "Routes": [ { "Prefix": "/dicom-web/", "AllowedMethods": [ "GET" ] } ] })"));

    ASSERT_EQ(1u, description["Routes"].size());
    const Json::Value& route = description["Routes"][0];
    EXPECT_EQ("/dicom-web/", route["Prefix"].asString());
    EXPECT_EQ("http://localhost:3000", route["AllowedOrigins"][0].asString());
    EXPECT_FALSE(route["AllowCredentials"].asBool());
    EXPECT_EQ(1u, route["AllowedMethods"].size());
    EXPECT_EQ("*", route["AllowedHeaders"][1].asString());
    EXPECT_EQ(6u, route["ExposedHeaders"].size());
  }

  TEST(Description, GatewayFoldersExtensionsAndOrthancSettingsAreDescribed)
  {
    TemporaryDirectory temporary;
    const std::string viewer = temporary.MakeDirectory("viewer");

    const std::optional<Configuration> configuration = ParseConfiguration(ParseJson(R"({ "HttpPort": 8080,
      "Cors": { "Gateway": { "Port": 9000 },
                "Folders": { "/ohif": { "Path": )" + Quoted(viewer) + R"(, "SinglePageApplication": true,
                                        "CrossOriginIsolation": "require-corp" } },
                "Extensions": { ".WASM": "application/wasm" } } })"));
    ASSERT_TRUE(configuration);
    const Json::Value description = DescribeConfiguration(*configuration);

    EXPECT_EQ(9000, description["Gateway"]["Port"].asInt());
    EXPECT_EQ("127.0.0.1", description["Gateway"]["BindAddress"].asString());
    EXPECT_TRUE(description["Gateway"]["BindAddressForcedToLoopback"].asBool());
    EXPECT_EQ(100, description["Gateway"]["MaxConnectionsPerClient"].asInt());
    EXPECT_EQ(Json::Value(Json::arrayValue), description["Gateway"]["TrustedProxies"]);
    EXPECT_EQ(10, description["Gateway"]["RequestHeaderTimeout"].asInt());
    EXPECT_EQ(1048576, description["Gateway"]["RequestBodyBufferSize"].asInt());
    EXPECT_EQ(std::filesystem::canonical(viewer).string(), description["Folders"]["/ohif/"]["Path"].asString());
    EXPECT_TRUE(description["Folders"]["/ohif/"]["SinglePageApplication"].asBool());
    EXPECT_EQ("require-corp", description["Folders"]["/ohif/"]["CrossOriginIsolation"].asString());
    EXPECT_FALSE(description["Folders"]["/ohif/"]["Public"].asBool());
    EXPECT_EQ(64u, description["Folders"]["/ohif/"]["MaximumFileSizeOnOrthancPort"].asUInt());
    EXPECT_FALSE(description["Folders"]["/ohif/"]["ServeHiddenFiles"].asBool());
    EXPECT_EQ(ImmutableNamePattern::GetDefault().GetText(), description["Folders"]["/ohif/"]["ImmutableNamePattern"].asString());
    EXPECT_EQ("application/wasm", description["Extensions"][".wasm"].asString());
    EXPECT_EQ(8080, description["Upstream"]["HttpPort"].asInt());
    EXPECT_EQ("/dicom-web/", description["Upstream"]["DicomWebRoot"].asString());
  }

  TEST(Description, TlsFilesAreDescribedByPathNeverByContent)
  {
    TemporaryDirectory temporary;
    const std::string certificate = temporary.WriteFile("certificate.pem", "CERTIFICATE-CONTENT");
    const std::string key = temporary.WriteFile("key.pem", "SECRET-KEY-CONTENT");

    const Json::Value description = DescribeConfiguration(ParseCors(R"({ "Gateway": { "SslEnabled": true,
      "SslCertificate": )" + Quoted(certificate) + R"(, "SslPrivateKey": )" + Quoted(key) + " } }"));

    EXPECT_EQ(std::filesystem::canonical(key).string(), description["Gateway"]["SslPrivateKey"].asString());
    EXPECT_EQ(std::string::npos, description.toStyledString().find("SECRET-KEY-CONTENT"));
  }

  TEST(Description, DescriptionParsesBackToTheSameConfiguration)
  {
    TemporaryDirectory temporary;
    const std::string viewer = temporary.MakeDirectory("viewer");
    const std::string pem = temporary.WriteFile("gateway.pem", "pem");

    const Json::Value first = DescribeConfiguration(ParseCors(R"({
      "AllowedOrigins": [ "https://*.hospital.example", "regex:^https://viewer-[0-9]+\\.example\\.org$" ],
      "AllowCredentials": true, "MaxAge": 60, "AllowPrivateNetwork": true, "ResourcePolicy": "",
      "Routes": [ "/wado", { "Prefix": "/dicom-web/", "AllowedOrigins": [ "*" ], "AllowCredentials": false,
                             "ExposedHeaders": [ "*" ] } ],
      "RejectForeignOrigins": false,
      "Gateway": { "Port": 9443, "SslEnabled": true, "SslCertificate": )" + Quoted(pem) + R"(, "Threads": 2,
                   "TrustedProxies": [ "10.0.0.0/8", "2001:db8::7" ] },
      "Folders": { "/": { "Path": )" + Quoted(viewer) + R"(, "SinglePageApplication": true,
                          "FrameAncestors": [ "https://ehr.example", "https://*.portal.example" ],
                          "ServeHiddenFiles": true, "ImmutableNamePattern": "[^.]+\\.bundle\\.[0-9a-f]{16}\\.js" } },
      "Extensions": { ".wasm": "application/wasm" }, "AllowCache": false, "GenerateETag": false })"));

    // What the description adds beyond the "Cors" keys.
    Json::Value section = first;
    section.removeMember("Upstream");
    section["Gateway"].removeMember("BindAddressForcedToLoopback");
    for (const std::string& prefix : section["Folders"].getMemberNames())
    {
      section["Folders"][prefix].removeMember("FrameHeaders");
    }

    const Json::Value second = DescribeConfiguration(ParseCors(section.toStyledString()));
    EXPECT_EQ(first, second) << first.toStyledString() << second.toStyledString();
    EXPECT_TRUE(second["Folders"]["/"]["ServeHiddenFiles"].asBool());
    EXPECT_EQ("[^.]+\\.bundle\\.[0-9a-f]{16}\\.js", second["Folders"]["/"]["ImmutableNamePattern"].asString());
    EXPECT_EQ("2001:db8::7", second["Gateway"]["TrustedProxies"][1].asString());
  }
}
