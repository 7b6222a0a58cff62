// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Folders/ContentNegotiation.h"

#include <gtest/gtest.h>

namespace OrthancCors
{
  namespace
  {
    std::vector<std::string> Encodings(const std::string& acceptEncoding)
    {
      return GetAcceptedPrecompressedEncodings({ { "Accept-Encoding", acceptEncoding } });
    }

    using List = std::vector<std::string>;
  }


  TEST(AcceptEncoding, BrotliIsPreferredOnEqualWeights)
  {
    EXPECT_EQ((List{ "br", "gzip" }), Encodings("gzip, deflate, br, zstd"));
  }


  TEST(AcceptEncoding, ZeroWeightRefusesAnEncoding)
  {
    EXPECT_EQ((List{ "gzip" }), Encodings("br;q=0, gzip"));
    EXPECT_EQ((List{ "br" }), Encodings("br, gzip; q=0.000"));
  }


  TEST(AcceptEncoding, HigherWeightWins)
  {
    EXPECT_EQ((List{ "gzip", "br" }), Encodings("gzip;q=1.0, br;q=0.5"));
    EXPECT_EQ((List{ "br", "gzip" }), Encodings("gzip;q=0.4, br;Q=0.9"));
  }


  TEST(AcceptEncoding, WildcardCoversUnlistedEncodings)
  {
    EXPECT_EQ((List{ "br", "gzip" }), Encodings("*"));
    EXPECT_EQ((List{ "gzip" }), Encodings("gzip, *;q=0"));
    EXPECT_EQ((List{ "br" }), Encodings("*, gzip;q=0"));
  }


  TEST(AcceptEncoding, XGzipIsGzip)
  {
    EXPECT_EQ((List{ "gzip" }), Encodings("x-gzip"));
  }


  TEST(AcceptEncoding, CodingNamesAreCaseInsensitive)
  {
    EXPECT_EQ((List{ "br", "gzip" }), Encodings("BR, GZip"));
  }


  TEST(AcceptEncoding, MalformedWeightIsTakenAsRefusal)
  {
    EXPECT_EQ((List{ "gzip" }), Encodings("br;q=high, gzip"));
    EXPECT_EQ((List{ "gzip" }), Encodings("br;q=2, gzip"));
  }


  TEST(AcceptEncoding, AbsentOrIdentityOnlyMeansNoPrecompressedFile)
  {
    EXPECT_TRUE(GetAcceptedPrecompressedEncodings({}).empty());
    EXPECT_TRUE(Encodings("identity").empty());
    EXPECT_TRUE(Encodings("").empty());
  }


  TEST(AcceptEncoding, SeveralFieldsAreCombined)
  {
    EXPECT_EQ((List{ "br", "gzip" }),
              GetAcceptedPrecompressedEncodings({ { "accept-encoding", "gzip" }, { "Accept-Encoding", "br" } }));
  }


  TEST(IfNoneMatch, ExactTagMatches)
  {
    EXPECT_TRUE(MatchesIfNoneMatch({ { "If-None-Match", "\"abc\"" } }, "\"abc\""));
    EXPECT_FALSE(MatchesIfNoneMatch({ { "If-None-Match", "\"abd\"" } }, "\"abc\""));
  }


  TEST(IfNoneMatch, ListAndWeakComparison)
  {
    EXPECT_TRUE(MatchesIfNoneMatch({ { "If-None-Match", "\"x\", W/\"abc\"" } }, "\"abc\""));
    EXPECT_TRUE(MatchesIfNoneMatch({ { "If-None-Match", "\"x\"" }, { "if-none-match", "\"abc\"" } }, "\"abc\""));
  }


  TEST(IfNoneMatch, StarMatchesAnyTag)
  {
    EXPECT_TRUE(MatchesIfNoneMatch({ { "If-None-Match", "*" } }, "\"abc\""));
  }


  TEST(IfNoneMatch, AbsentOrUnquotedDoesNotMatch)
  {
    EXPECT_FALSE(MatchesIfNoneMatch({}, "\"abc\""));
    EXPECT_FALSE(MatchesIfNoneMatch({ { "If-None-Match", "abc" } }, "\"abc\""));
  }


  TEST(Navigation, SecFetchModeNavigateIsANavigation)
  {
    EXPECT_TRUE(IsNavigationRequest({ { "Sec-Fetch-Mode", "navigate" } }));
  }


  TEST(Navigation, SecFetchModeOtherThanNavigateWinsOverAccept)
  {
    EXPECT_FALSE(IsNavigationRequest({ { "Sec-Fetch-Mode", "cors" }, { "Accept", "text/html" } }));
    EXPECT_FALSE(IsNavigationRequest({ { "Sec-Fetch-Mode", "no-cors" }, { "Accept", "text/html,*/*" } }));
  }


  TEST(Navigation, AcceptTextHtmlIsANavigationWithoutSecFetchMode)
  {
    EXPECT_TRUE(IsNavigationRequest({ { "Accept", "text/html,application/xhtml+xml,*/*;q=0.8" } }));
    EXPECT_FALSE(IsNavigationRequest({ { "Accept", "application/dicom+json" } }));
    EXPECT_FALSE(IsNavigationRequest({ { "Accept", "*/*" } }));
    EXPECT_FALSE(IsNavigationRequest({}));
  }
}
