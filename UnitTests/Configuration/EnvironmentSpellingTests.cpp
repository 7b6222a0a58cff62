// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

#include "Configuration/ConfigurationKeys.h"
#include "Configuration/EnvironmentSpelling.h"
#include "Configuration/GatewaySection.h"

#include <cctype>

namespace OrthancCors
{
  namespace
  {
    // The variable name a deployer writes for a key, as the orthancteam image's own
    // variables are written (ORTHANC__CASE_SENSITIVE_PN, ORTHANC__STORE_MD5_FOR_ATTACHMENTS):
    // words in upper case, a new word at each capital that follows a small letter or
    // a digit, a run of capitals kept in one word. "GenerateETag" -> "GENERATE_ETAG".
    std::string ToVariableWords(const std::string& key)
    {
      std::string name;
      for (size_t i = 0; i < key.size(); i++)
      {
        const unsigned char c = static_cast<unsigned char>(key[i]);
        const unsigned char previous = i > 0 ? static_cast<unsigned char>(key[i - 1]) : 0;
        if (std::isupper(c) && (std::islower(previous) || std::isdigit(previous)))
        {
          name += '_';
        }
        name += static_cast<char>(std::toupper(c));
      }
      return name;
    }

    // orthanc-builder's envVarToCamelCase (docker/orthanc/helpers.py), the image's
    // conversion of one "__"-separated level of a variable name into a JSON key:
    // each "_"-separated word keeps its first letter, the rest in lower case.
    std::string ConvertAsTheImage(const std::string& level)
    {
      std::string key;
      size_t start = 0;
      while (start <= level.size())
      {
        const size_t end = std::min(level.find('_', start), level.size());
        for (size_t i = start; i < end; i++)
        {
          const char c = level[i];
          key += i == start ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        start = end + 1;
      }
      return key;
    }

    // Refused for its value (null is no setting's type), not as an unknown key: the
    // parser reads `spelling` as a key of its own.
    ::testing::AssertionResult IsReadAsAKey(const std::string& corsSection, const std::string& keyPath)
    {
      try
      {
        ParseConfiguration(WithCors(corsSection));
        return ::testing::AssertionFailure() << "null accepted for " << keyPath;
      }
      catch (const ConfigurationError& e)
      {
        if (e.GetKey() != keyPath || std::string(e.what()).find("unknown key") != std::string::npos)
        {
          return ::testing::AssertionFailure() << e.what();
        }
        return ::testing::AssertionSuccess();
      }
    }
  }


  TEST(EnvironmentSpelling, CapitalsFollowingACapitalAreWrittenInLowerCase)
  {
    EXPECT_EQ("GenerateEtag", GetEnvironmentSpelling("GenerateETag"));
    EXPECT_EQ("SslEnabled", GetEnvironmentSpelling("SslEnabled"));
    EXPECT_EQ("AllowedOrigins", GetEnvironmentSpelling("AllowedOrigins"));
    EXPECT_EQ("CaseSensitivePn", GetEnvironmentSpelling("CaseSensitivePN"));
    EXPECT_EQ("", GetEnvironmentSpelling(""));
  }


  TEST(EnvironmentSpelling, TheSpellingIsWhatTheImageMakesOfTheVariableADeployerWrites)
  {
    EXPECT_EQ("GENERATE_ETAG", ToVariableWords("GenerateETag"));
    EXPECT_EQ("STORE_MD5_FOR_ATTACHMENTS", ToVariableWords("StoreMD5ForAttachments"));
    for (const char* key : { "GenerateETag", "CaseSensitivePN", "StoreMD5ForAttachments", "SslEnabled",
                             "MaxConnectionsPerClient", "TrustedProxies" })
    {
      EXPECT_EQ(ConvertAsTheImage(ToVariableWords(key)), GetEnvironmentSpelling(key)) << key;
    }
  }


  TEST(EnvironmentSpelling, EveryKeyOfTheSectionAndTheGatewayCanBeSetByAVariable)
  {
    // The objects a variable name can reach: "Folders" and "Routes" are set whole, as JSON values.
    for (const std::string& key : GetCorsSectionKeys())
    {
      const std::string spelling = ConvertAsTheImage(ToVariableWords(key));
      EXPECT_TRUE(IsReadAsAKey("{ \"" + spelling + "\": null }", "Cors." + spelling)) << key;
    }
    for (const std::string& key : GetGatewaySectionKeys())
    {
      const std::string spelling = ConvertAsTheImage(ToVariableWords(key));
      EXPECT_TRUE(IsReadAsAKey("{ \"Gateway\": { \"" + spelling + "\": null } }", "Cors.Gateway." + spelling)) << key;
    }
  }


  TEST(EnvironmentSpelling, GenerateEtagSetsGenerateETag)
  {
    EXPECT_FALSE(ParseCors(R"({ "GenerateEtag": false })").generateETag);
    EXPECT_TRUE(ParseCors(R"({ "GenerateEtag": true })").generateETag);
    EXPECT_FALSE(ParseCors(R"({ "GenerateETag": false })").generateETag);
  }


  TEST(EnvironmentSpelling, BothSpellingsAtOnceAreRefusedNamingBoth)
  {
    EXPECT_EQ("Cors.GenerateETag: set twice, as \"GenerateETag\" and as \"GenerateEtag\" (the spelling the "
              "orthancteam Docker image gives to this key when an environment variable sets it): keep one of them",
              ErrorMessage(WithCors(R"({ "GenerateETag": true, "GenerateEtag": false })")));
    // Even with the same value: the administrator must know that two places set it.
    EXPECT_TRUE(CorsIsRefused(R"({ "GenerateEtag": true, "GenerateETag": true })", "Cors.GenerateETag",
                              "set twice"));
  }


  TEST(EnvironmentSpelling, AWrongValueNamesTheSpellingThatWasWritten)
  {
    // The image keeps a value that does not parse as JSON as a string ("FALSE").
    EXPECT_TRUE(CorsIsRefused(R"({ "GenerateEtag": "FALSE" })", "Cors.GenerateEtag", "expected a boolean"));
  }


  TEST(EnvironmentSpelling, OtherSpellingsRemainUnknownKeys)
  {
    for (const char* spelling : { "Generateetag", "GENERATEETAG", "generateETag", "generate_etag" })
    {
      EXPECT_TRUE(CorsIsRefused(std::string("{ \"") + spelling + "\": true }", std::string("Cors.") + spelling,
                                "unknown key (did you mean \"GenerateETag\"?)")) << spelling;
    }
  }


  TEST(EnvironmentSpelling, ThePolicyShowsTheDocumentedName)
  {
    const Json::Value description = DescribeConfiguration(ParseCors(R"({ "GenerateEtag": false })"));
    EXPECT_FALSE(description[ConfigurationKeys::Cors::GENERATE_ETAG].asBool());
    EXPECT_FALSE(description.isMember("GenerateEtag"));
  }
}
