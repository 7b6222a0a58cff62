// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

#include <algorithm>

namespace OrthancCors
{
  TEST(Folders, FolderGivenAsPathStringTakesTheDefaults)
  {
    TemporaryDirectory temporary;
    const std::string viewer = temporary.MakeDirectory("viewer");

    const Configuration configuration = ParseCors(R"({ "Folders": { "/ohif": )" + Quoted(viewer) + " } }");
    ASSERT_EQ(1u, configuration.folders.size());
    EXPECT_EQ("/ohif/", configuration.folders[0].prefix);
    EXPECT_EQ(std::filesystem::canonical(viewer).string(), configuration.folders[0].path);
    EXPECT_FALSE(configuration.folders[0].singlePageApplication);
    EXPECT_EQ(CrossOriginIsolation::Off, configuration.folders[0].crossOriginIsolation);
    EXPECT_FALSE(configuration.folders[0].isPublic);
    EXPECT_EQ(64u * 1024 * 1024, configuration.folders[0].maxBytesOnOrthancPort);
    EXPECT_FALSE(configuration.folders[0].serveHiddenFiles);
    EXPECT_EQ(ImmutableNamePattern::GetDefault().GetText(), configuration.folders[0].immutableNames.GetText());
  }

  TEST(Folders, MaximumFileSizeOnOrthancPortIsReadInMebibytes)
  {
    TemporaryDirectory temporary;
    const std::string viewer = temporary.MakeDirectory("viewer");
    const Configuration configuration = ParseCors(R"({ "Folders": {
      "/a/": { "Path": )" + Quoted(viewer) + R"(, "MaximumFileSizeOnOrthancPort": 1 },
      "/b/": { "Path": )" + Quoted(viewer) + R"(, "MaximumFileSizeOnOrthancPort": 4095 } } })");
    ASSERT_EQ(2u, configuration.folders.size());
    EXPECT_EQ(1024u * 1024, configuration.folders[0].maxBytesOnOrthancPort);
    EXPECT_EQ(4095ull * 1024 * 1024, configuration.folders[1].maxBytesOnOrthancPort);
  }

  TEST(Folders, MaximumFileSizeOnOrthancPortOutsideItsRangeStopsNamingTheKey)
  {
    TemporaryDirectory temporary;
    const std::string viewer = temporary.MakeDirectory("viewer");
    for (const char* value : { "0", "4096", "-1", "1.5", "\"64\"" })
    {
      EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/a/": { "Path": )" + Quoted(viewer) +
                                R"(, "MaximumFileSizeOnOrthancPort": )" + value + " } } }",
                                "Cors.Folders[\"/a/\"].MaximumFileSizeOnOrthancPort",
                                "an integer between 1 and 4095")) << value;
    }
  }

  TEST(Folders, FolderObjectReadsEveryField)
  {
    TemporaryDirectory temporary;
    const std::string viewer = temporary.MakeDirectory("viewer");

    const Configuration configuration = ParseCors(R"({ "Folders": {
      "/a/": { "Path": )" + Quoted(viewer) + R"(, "SinglePageApplication": true, "CrossOriginIsolation": "require-corp",
               "Public": true },
      "/b/": { "Path": )" + Quoted(viewer) + R"(, "CrossOriginIsolation": "credentialless" },
      "/c/": { "Path": )" + Quoted(viewer) + R"(, "CrossOriginIsolation": "off" } } })");

    ASSERT_EQ(3u, configuration.folders.size());
    EXPECT_TRUE(configuration.folders[0].singlePageApplication);
    EXPECT_EQ(CrossOriginIsolation::RequireCorp, configuration.folders[0].crossOriginIsolation);
    EXPECT_TRUE(configuration.folders[0].isPublic);
    EXPECT_FALSE(configuration.folders[1].singlePageApplication);
    EXPECT_FALSE(configuration.folders[1].isPublic);
    EXPECT_EQ(CrossOriginIsolation::Credentialless, configuration.folders[1].crossOriginIsolation);
    EXPECT_EQ(CrossOriginIsolation::Off, configuration.folders[2].crossOriginIsolation);
  }

  TEST(Folders, ServeHiddenFilesIsReadPerFolder)
  {
    TemporaryDirectory temporary;
    const std::string viewer = Quoted(temporary.MakeDirectory("viewer"));
    const Configuration configuration = ParseCors(R"({ "Folders": {
      "/a/": { "Path": )" + viewer + R"(, "ServeHiddenFiles": true },
      "/b/": { "Path": )" + viewer + R"(, "ServeHiddenFiles": false } } })");
    ASSERT_EQ(2u, configuration.folders.size());
    EXPECT_TRUE(configuration.folders[0].serveHiddenFiles);
    EXPECT_FALSE(configuration.folders[1].serveHiddenFiles);
  }


  TEST(Folders, ServeHiddenFilesThatIsNotABooleanStopsNamingTheKey)
  {
    TemporaryDirectory temporary;
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/a/": { "Path": )" + Quoted(temporary.MakeDirectory("viewer")) +
                              R"(, "ServeHiddenFiles": "yes" } } })",
                              "Cors.Folders[\"/a/\"].ServeHiddenFiles"));
  }


  TEST(Folders, ImmutableNamePatternReplacesTheDefaultForItsFolder)
  {
    TemporaryDirectory temporary;
    const std::string viewer = Quoted(temporary.MakeDirectory("viewer"));
    const Configuration configuration = ParseCors(R"({ "Folders": {
      "/a/": { "Path": )" + viewer + R"(, "ImmutableNamePattern": "[a-z]+\\.v[0-9]+\\.js" },
      "/b/": { "Path": )" + viewer + R"(, "ImmutableNamePattern": "" } } })");
    ASSERT_EQ(2u, configuration.folders.size());
    EXPECT_EQ("[a-z]+\\.v[0-9]+\\.js", configuration.folders[0].immutableNames.GetText());
    EXPECT_TRUE(configuration.folders[0].immutableNames.Matches("viewer.v3.js"));
    EXPECT_FALSE(configuration.folders[0].immutableNames.Matches("app.bundle.0f6159c501addfe9.js"));
    EXPECT_FALSE(configuration.folders[1].immutableNames.Matches("app.bundle.0f6159c501addfe9.js"));
  }


  TEST(Folders, InvalidImmutableNamePatternStopsNamingTheKey)
  {
    TemporaryDirectory temporary;
    const std::string viewer = Quoted(temporary.MakeDirectory("viewer"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/a/": { "Path": )" + viewer + R"(, "ImmutableNamePattern": "app.(bundle" } } })",
                              "Cors.Folders[\"/a/\"].ImmutableNamePattern", "invalid regular expression"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/a/": { "Path": )" + viewer + R"(, "ImmutableNamePattern": [ "x" ] } } })",
                              "Cors.Folders[\"/a/\"].ImmutableNamePattern", "expected a string"));
  }


  TEST(Folders, FolderPathMustBeAnExistingDirectory)
  {
    TemporaryDirectory temporary;
    const std::string missing = (temporary.GetPath() / "missing").string();

    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": )" + Quoted(missing) + " } }",
                              "Cors.Folders[\"/ohif\"]", missing));
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": { "Path": )" + Quoted(missing) + " } } }",
                              "Cors.Folders[\"/ohif\"].Path", missing));
  }

  TEST(Folders, FolderPathThatIsAFileIsRefused)
  {
    TemporaryDirectory temporary;
    const std::string file = temporary.WriteFile("index.html", "<html></html>");
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": )" + Quoted(file) + " } }",
                              "Cors.Folders[\"/ohif\"]", "is not a directory"));
  }

  TEST(Folders, FolderPathIsStoredCanonical)
  {
    TemporaryDirectory temporary;
    const std::string viewer = temporary.MakeDirectory("viewer");
    temporary.MakeDirectory("other");
    const std::string roundabout = (temporary.GetPath() / "other" / ".." / "viewer" / ".").string();

    const Configuration configuration = ParseCors(R"({ "Folders": { "/ohif": )" + Quoted(roundabout) + " } }");
    EXPECT_EQ(std::filesystem::canonical(viewer).string(), configuration.folders.at(0).path);
  }

  TEST(Folders, FolderPrefixMustStartWithSlash)
  {
    TemporaryDirectory temporary;
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "ohif": )" + Quoted(temporary.GetPath().string()) + " } }",
                              "Cors.Folders[\"ohif\"]", "must start with \"/\""));
  }

  TEST(Folders, FolderAtRootIsAcceptedForTheGateway)
  {
    TemporaryDirectory temporary;
    const Configuration configuration = ParseCors(R"({ "Folders": { "/": )" + Quoted(temporary.GetPath().string()) + " } }");
    ASSERT_EQ(1u, configuration.folders.size());
    EXPECT_EQ("/", configuration.folders[0].prefix);
  }

  TEST(Folders, FolderAtRootIsRefusedWhenTheGatewayIsDisabled)
  {
    TemporaryDirectory temporary;
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Enable": false }, "Folders": { "/": )" +
                              Quoted(temporary.GetPath().string()) + " } }",
                              "Cors.Folders[\"/\"]", "served by the gateway only"));
  }

  TEST(Folders, FolderCannotBeMountedWhereThePluginAnswersItsOwnRoutes)
  {
    TemporaryDirectory temporary;
    const std::string path = Quoted(temporary.GetPath().string());
    for (const char* prefix : { "/cors", "/cors/", "/cors/policy", "/cors/folder-access/x/" })
    {
      EXPECT_TRUE(CorsIsRefused(std::string(R"({ "Folders": { ")") + prefix + "\": " + path + " } }",
                                std::string("Cors.Folders[\"") + prefix + "\"]",
                                "where the plugin answers its own routes (/cors/policy, /cors/check)")) << prefix;
    }
    EXPECT_EQ(1u, ParseCors(R"({ "Folders": { "/corsair/": )" + path + " } }").folders.size());
  }

  TEST(Folders, FolderPrefixesAreStoredWithTheirFinalSlash)
  {
    // In the order of the configuration: the folder server finds the longest match.
    TemporaryDirectory temporary;
    const std::string path = Quoted(temporary.GetPath().string());
    const Configuration configuration = ParseCors(R"({ "Folders": { "/": )" + path + R"(, "/app/viewer": )" + path +
                                                  R"(, "/app": )" + path + " } }");
    ASSERT_EQ(3u, configuration.folders.size());
    std::vector<std::string> prefixes;
    for (const FolderSettings& folder : configuration.folders)
    {
      prefixes.push_back(folder.prefix);
    }
    std::sort(prefixes.begin(), prefixes.end());
    EXPECT_EQ((std::vector<std::string>{ "/", "/app/", "/app/viewer/" }), prefixes);
  }

  TEST(Folders, FolderPrefixesDifferingByFinalSlashAreDuplicates)
  {
    TemporaryDirectory temporary;
    const std::string path = Quoted(temporary.GetPath().string());
    const std::string message = ErrorMessage(WithCors(R"({ "Folders": { "/ohif": )" + path + R"(, "/ohif/": )" + path + " } }"));
    EXPECT_NE(std::string::npos, message.find("the same prefix as another folder")) << message;
  }

  TEST(Folders, UnknownCrossOriginIsolationIsRefused)
  {
    TemporaryDirectory temporary;
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": { "Path": )" + Quoted(temporary.GetPath().string()) +
                              R"(, "CrossOriginIsolation": "same-origin" } } })",
                              "Cors.Folders[\"/ohif\"].CrossOriginIsolation", "\"require-corp\""));
  }

  TEST(Folders, FrameAncestorsDefaultsToTheSameOriginOnly)
  {
    TemporaryDirectory temporary;
    const Configuration configuration = ParseCors(R"({ "Folders": { "/ohif": )" +
                                                  Quoted(temporary.GetPath().string()) + R"( } })");
    EXPECT_TRUE(configuration.folders.at(0).framePolicy.IsSameOriginOnly());
  }

  TEST(Folders, FrameAncestorsAreReadInTheSyntaxOfAllowedOrigins)
  {
    TemporaryDirectory temporary;
    const Configuration configuration = ParseCors(R"({ "Folders": { "/ohif": { "Path": )" +
      Quoted(temporary.GetPath().string()) + R"(, "FrameAncestors": [ "https://ehr.hospital.example",
      "https://*.portal.example:8443", "*" ] } } })");
    EXPECT_EQ("frame-ancestors 'self' https://ehr.hospital.example https://*.portal.example:8443 *",
              configuration.folders.at(0).framePolicy.GetDirective());
  }

  TEST(Folders, InvalidFrameAncestorStopsNamingTheEntry)
  {
    TemporaryDirectory temporary;
    const std::string folder = R"({ "Folders": { "/ohif": { "Path": )" + Quoted(temporary.GetPath().string()) +
      R"(, "FrameAncestors": )";
    EXPECT_TRUE(CorsIsRefused(folder + R"([ "https://ehr.example", "https://portal.example/" ] } } })",
                              "Cors.Folders[\"/ohif\"].FrameAncestors[1]", "not a serialized origin"));
    EXPECT_TRUE(CorsIsRefused(folder + R"([ "regex:^https://.*$" ] } } })",
                              "Cors.Folders[\"/ohif\"].FrameAncestors[0]", "no regular expressions"));
    EXPECT_TRUE(CorsIsRefused(folder + R"([ "null" ] } } })",
                              "Cors.Folders[\"/ohif\"].FrameAncestors[0]", "opaque origin"));
    EXPECT_TRUE(CorsIsRefused(folder + R"("https://ehr.example" } } })",
                              "Cors.Folders[\"/ohif\"].FrameAncestors", "expected an array of strings"));
  }

  TEST(Folders, FolderObjectWithoutPathIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": { "SinglePageApplication": true } } })",
                              "Cors.Folders[\"/ohif\"]", "needs a \"Path\""));
  }

  TEST(Folders, FolderEntryOfWrongTypeIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": [ "/srv/ohif" ] } })",
                              "Cors.Folders[\"/ohif\"]", "expected a directory path string"));
    TemporaryDirectory temporary;
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": { "Path": )" + Quoted(temporary.GetPath().string()) +
                              R"(, "SinglePageApplication": "yes" } } })",
                              "Cors.Folders[\"/ohif\"].SinglePageApplication", "expected a boolean"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": { "Path": )" + Quoted(temporary.GetPath().string()) +
                              R"(, "Public": "yes" } } })",
                              "Cors.Folders[\"/ohif\"].Public", "expected a boolean"));
  }

  TEST(Extensions, ExtensionsAreStoredLowerCase)
  {
    const Configuration configuration = ParseCors(R"({ "Extensions": { ".WASM": "application/wasm",
      ".mjs": "text/javascript; charset=utf-8" } })");
    EXPECT_EQ("application/wasm", configuration.mimeTypes.at(".wasm"));
    EXPECT_EQ("text/javascript; charset=utf-8", configuration.mimeTypes.at(".mjs"));
    EXPECT_EQ(0u, configuration.mimeTypes.count(".WASM"));
  }

  TEST(Extensions, ExtensionWithoutLeadingDotIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Extensions": { "wasm": "application/wasm" } })",
                              "Cors.Extensions[\"wasm\"]", "starts with \".\""));
    EXPECT_TRUE(CorsIsRefused(R"({ "Extensions": { ".": "application/wasm" } })", "Cors.Extensions[\".\"]"));
  }

  TEST(Extensions, ExtensionWithInvalidMimeTypeIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Extensions": { ".wasm": "wasm" } })", "Cors.Extensions[\".wasm\"]",
                              "is not a MIME type"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Extensions": { ".wasm": 1 } })", "Cors.Extensions[\".wasm\"]", "expected a string"));
  }

  TEST(Extensions, ExtensionGivenTwiceInDifferentCaseIsRefused)
  {
    const std::string message = ErrorMessage(WithCors(R"({ "Extensions": { ".wasm": "application/wasm",
      ".WASM": "application/octet-stream" } })"));
    EXPECT_NE(std::string::npos, message.find("given twice")) << message;
  }
}
