// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Policy/OriginPattern.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace OrthancCors;

namespace
{
  Origin ParsedOrigin(const std::string& value)
  {
    OriginParseResult result = ParseSerializedOrigin(value);
    if (!result.origin)
    {
      throw std::runtime_error("test origin does not parse: " + value + ": " + result.reason);
    }
    return *result.origin;
  }

  bool PatternMatches(const std::string& pattern, const std::string& origin)
  {
    return OriginPattern::Parse(pattern).Matches(ParsedOrigin(origin));
  }

  std::string ParseError(const std::string& entry)
  {
    try
    {
      OriginPattern::Parse(entry);
    }
    catch (const std::invalid_argument& e)
    {
      return e.what();
    }
    return "<accepted>";
  }
}


TEST(OriginPattern, EntriesAreClassifiedByForm)
{
  EXPECT_EQ(OriginPattern::Kind::Exact, OriginPattern::Parse("https://viewer.example").GetKind());
  EXPECT_EQ(OriginPattern::Kind::Subdomains, OriginPattern::Parse("https://*.hospital.example").GetKind());
  EXPECT_EQ(OriginPattern::Kind::Regex, OriginPattern::Parse("regex:^https://v[0-9]+\\.example$").GetKind());
  EXPECT_EQ(OriginPattern::Kind::Any, OriginPattern::Parse("*").GetKind());
  EXPECT_EQ(OriginPattern::Kind::Null, OriginPattern::Parse("null").GetKind());
  EXPECT_EQ("https://*.hospital.example", OriginPattern::Parse("https://*.hospital.example").GetText());
}

TEST(ExactPattern, MatchesOnlyTheSameSchemeHostAndPort)
{
  EXPECT_TRUE(PatternMatches("https://viewer.example", "https://viewer.example"));
  EXPECT_TRUE(PatternMatches("http://localhost:3000", "http://localhost:3000"));
  EXPECT_FALSE(PatternMatches("https://viewer.example", "http://viewer.example"));        // wrong scheme
  EXPECT_FALSE(PatternMatches("https://viewer.example", "https://viewer.example:8443"));  // wrong port
  EXPECT_FALSE(PatternMatches("http://localhost:3000", "http://localhost:3001"));
  EXPECT_FALSE(PatternMatches("https://viewer.example", "https://viewer.example.evil.com"));
  EXPECT_FALSE(PatternMatches("https://viewer.example", "https://evil-viewer.example"));
  EXPECT_FALSE(PatternMatches("https://viewer.example", "null"));
}

TEST(ExactPattern, ConfigurationWithPathOrTrailingSlashIsAnError)
{
  EXPECT_NE(std::string::npos, ParseError("https://viewer.example/").find("trailing '/'"));
  EXPECT_NE(std::string::npos, ParseError("https://viewer.example/ohif").find("path"));
}

TEST(ExactPattern, ConfigurationThatIsNotASerializedOriginIsAnError)
{
  EXPECT_NE(std::string::npos, ParseError("https://Viewer.example").find("upper case"));
  EXPECT_NE(std::string::npos, ParseError("https://viewer.example:443").find("default port"));
  EXPECT_NE(std::string::npos, ParseError("viewer.example").find("scheme"));
  EXPECT_NE(std::string::npos, ParseError("").find("empty"));
}

TEST(SubdomainPattern, MatchesAnySubdomainAtAnyDepth)
{
  EXPECT_TRUE(PatternMatches("https://*.example.org", "https://viewer.example.org"));
  EXPECT_TRUE(PatternMatches("https://*.example.org", "https://a.b.example.org"));
}

TEST(SubdomainPattern, NeverMatchesTheBareDomain)
{
  EXPECT_FALSE(PatternMatches("https://*.example.org", "https://example.org"));
}

TEST(SubdomainPattern, NeverMatchesLookalikeDomains)
{
  EXPECT_FALSE(PatternMatches("https://*.example.org", "https://example.org.evil.com"));
  EXPECT_FALSE(PatternMatches("https://*.example.org", "https://evil-example.org"));
  EXPECT_FALSE(PatternMatches("https://*.example.org", "https://evilexample.org"));
  EXPECT_FALSE(PatternMatches("https://*.example.org", "https://a.example.org.evil.com"));
}

TEST(SubdomainPattern, PathDisguisedAsSubdomainIsNotEvenAnOrigin)
{
  EXPECT_FALSE(ParseSerializedOrigin("https://evil.com/.example.org").origin.has_value());
}

TEST(SubdomainPattern, ComparesSchemeAndPortExactly)
{
  EXPECT_FALSE(PatternMatches("https://*.example.org", "http://viewer.example.org"));
  EXPECT_FALSE(PatternMatches("https://*.example.org", "https://viewer.example.org:8443"));
  EXPECT_TRUE(PatternMatches("https://*.example.org:8443", "https://viewer.example.org:8443"));
  EXPECT_FALSE(PatternMatches("https://*.example.org:8443", "https://viewer.example.org"));
}

TEST(SubdomainPattern, NeverMatchesTheOpaqueOrigin)
{
  EXPECT_FALSE(PatternMatches("https://*.example.org", "null"));
}

TEST(SubdomainPattern, MalformedEntriesAreErrors)
{
  EXPECT_NE("<accepted>", ParseError("https://*.example.org/"));
  EXPECT_NE("<accepted>", ParseError("https://*.Example.org"));
  EXPECT_NE("<accepted>", ParseError("https://*.*.example.org"));
  EXPECT_NE("<accepted>", ParseError("https://viewer.*.example.org"));
  EXPECT_NE("<accepted>", ParseError("https://*example.org"));
  EXPECT_NE("<accepted>", ParseError("https://*."));
  EXPECT_NE(std::string::npos, ParseError("https://*.192.168.1.1").find("IP address"));
}

TEST(RegexPattern, IsAnchoredOnTheWholeSerializedOrigin)
{
  // Without ^ and $ in the entry, a partial match must still not be enough.
  const std::string pattern = "regex:https://viewer-[0-9]+\\.example\\.org";
  EXPECT_TRUE(PatternMatches(pattern, "https://viewer-12.example.org"));
  EXPECT_FALSE(PatternMatches(pattern, "https://viewer-12.example.org.evil.com"));
  EXPECT_FALSE(PatternMatches(pattern, "https://viewer-12.example.org:8443"));
  // Nor a match of the host alone: the regex sees the whole origin.
  EXPECT_FALSE(PatternMatches("regex:viewer-[0-9]+\\.example\\.org", "https://viewer-12.example.org"));
}

TEST(RegexPattern, MatchesTheSerializedFormWithExplicitNonDefaultPort)
{
  EXPECT_TRUE(PatternMatches("regex:^https://v\\.example:(8443|9443)$", "https://v.example:9443"));
  EXPECT_FALSE(PatternMatches("regex:^https://v\\.example:443$", "https://v.example"));
}

TEST(RegexPattern, NeverMatchesTheOpaqueOriginEvenIfTheRegexWould)
{
  EXPECT_FALSE(PatternMatches("regex:.*", "null"));
  EXPECT_FALSE(PatternMatches("regex:null", "null"));
}

TEST(RegexPattern, InvalidRegexThrowsWithTheRegexError)
{
  const std::string error = ParseError("regex:^https://(viewer\\.example$");
  EXPECT_NE(std::string::npos, error.find("invalid regular expression")) << error;
  EXPECT_NE(std::string::npos, error.find("regex:^https://(viewer\\.example$")) << error;
  EXPECT_NE("<accepted>", ParseError("regex:"));
}

TEST(RegexPattern, CatastrophicBacktrackingIsANonMatchNotACrash)
{
  const std::string origin = "https://" + std::string(60, 'a') + ".example";
  EXPECT_FALSE(PatternMatches("regex:^https://(a|aa)+(a|aa)+(a|aa)+\\.exampl$", origin));
}

TEST(AnyPattern, MatchesEveryTupleOrigin)
{
  EXPECT_TRUE(PatternMatches("*", "https://anything.example"));
  EXPECT_TRUE(PatternMatches("*", "http://[::1]:8080"));
}

TEST(AnyPattern, DoesNotMatchTheOpaqueOrigin)
{
  EXPECT_FALSE(PatternMatches("*", "null"));
}

TEST(NullPattern, MatchesOnlyTheOpaqueOrigin)
{
  EXPECT_TRUE(PatternMatches("null", "null"));
  EXPECT_FALSE(PatternMatches("null", "https://viewer.example"));
}

TEST(OriginPattern, StarAnywhereElseIsAnError)
{
  EXPECT_NE(std::string::npos, ParseError("https://viewer*.example").find("regex:"));
  EXPECT_NE("<accepted>", ParseError("*.example.org"));
  EXPECT_NE("<accepted>", ParseError("https://*"));
}
