// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Policy/Origin.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

namespace
{
  struct ValidOrigin
  {
    const char* name;
    std::string value;
    std::string scheme;
    std::string host;
    uint16_t port;
  };

  class SerializedOriginIsAccepted : public testing::TestWithParam<ValidOrigin>
  {
  };

  struct HostileOrigin
  {
    const char* name;
    std::string value;
    std::string reasonExcerpt;   // the refusal must say why
  };

  class HostileOriginIsRefused : public testing::TestWithParam<HostileOrigin>
  {
  };

  template <typename T>
  std::string NameOf(const testing::TestParamInfo<T>& info)
  {
    return info.param.name;
  }
}


TEST_P(SerializedOriginIsAccepted, ParsedIntoSchemeHostPortAndSerializedBackIdentically)
{
  const ValidOrigin& expected = GetParam();
  OriginParseResult result = ParseSerializedOrigin(expected.value);
  ASSERT_TRUE(result.origin.has_value()) << result.reason;
  EXPECT_FALSE(result.origin->isNull);
  EXPECT_EQ(expected.scheme, result.origin->scheme);
  EXPECT_EQ(expected.host, result.origin->host);
  EXPECT_EQ(expected.port, result.origin->port);
  EXPECT_EQ(expected.value, result.origin->Serialize());
}

INSTANTIATE_TEST_SUITE_P(Origin, SerializedOriginIsAccepted, testing::Values(
  ValidOrigin{ "HttpsDefaultPortImplied", "https://viewer.example", "https", "viewer.example", 443 },
  ValidOrigin{ "HttpDefaultPortImplied", "http://viewer.example", "http", "viewer.example", 80 },
  ValidOrigin{ "LocalhostWithPort", "http://localhost:3000", "http", "localhost", 3000 },
  ValidOrigin{ "HttpsOnPort80IsNotDefault", "https://a.example:80", "https", "a.example", 80 },
  ValidOrigin{ "HighestPort", "https://a.example:65535", "https", "a.example", 65535 },
  ValidOrigin{ "Ipv4Host", "http://192.168.1.20:8042", "http", "192.168.1.20", 8042 },
  ValidOrigin{ "Ipv6Loopback", "http://[::1]:8080", "http", "[::1]", 8080 },
  ValidOrigin{ "Ipv6Compressed", "https://[2001:db8::1]", "https", "[2001:db8::1]", 443 },
  ValidOrigin{ "PunycodeHost", "https://xn--bcher-kva.example", "https", "xn--bcher-kva.example", 443 },
  ValidOrigin{ "HyphensAndDigitsInLabels", "https://viewer-01.a1.example", "https", "viewer-01.a1.example", 443 },
  ValidOrigin{ "NonSpecialSchemeHasNoDefaultPort", "chrome-extension://abcdefgh", "chrome-extension", "abcdefgh", 0 }
), NameOf<ValidOrigin>);


TEST_P(HostileOriginIsRefused, RefusedWithAReason)
{
  const HostileOrigin& hostile = GetParam();
  OriginParseResult result = ParseSerializedOrigin(hostile.value);
  EXPECT_FALSE(result.origin.has_value()) << "accepted: " << result.origin->Serialize();
  EXPECT_NE(std::string::npos, result.reason.find(hostile.reasonExcerpt))
    << "reason was: \"" << result.reason << "\"";
}

INSTANTIATE_TEST_SUITE_P(Origin, HostileOriginIsRefused, testing::Values(
  HostileOrigin{ "Empty", "", "empty" },
  HostileOrigin{ "CrLfHeaderInjection", "https://viewer.example\r\nSet-Cookie: a=b", "CR or LF" },
  HostileOrigin{ "LoneLineFeed", "https://viewer.example\n", "CR or LF" },
  HostileOrigin{ "EmbeddedNul", std::string("https://viewer.example\0.evil.example", 36), "NUL" },
  HostileOrigin{ "TabControlCharacter", "https://viewer.example\t", "control character" },
  HostileOrigin{ "NonAsciiHost", "https://b\xc3\xbc" "cher.example", "non-ASCII" },
  HostileOrigin{ "UserinfoBeforeEvilHost", "https://a.example@evil.example", "userinfo" },
  HostileOrigin{ "TrailingDotInHost", "https://viewer.example.", "trailing dot" },
  HostileOrigin{ "UpperCaseHost", "https://Viewer.example", "upper case" },
  HostileOrigin{ "UpperCaseScheme", "HTTPS://viewer.example", "upper case" },
  HostileOrigin{ "ExplicitDefaultHttpsPort", "https://viewer.example:443", "default port" },
  HostileOrigin{ "ExplicitDefaultHttpPort", "http://viewer.example:80", "default port" },
  HostileOrigin{ "Over2048Bytes", "https://" + std::string(2049 - 8 - 8, 'a') + ".example", "2048" },
  HostileOrigin{ "TwoOriginsCommaSeparated", "https://viewer.example, https://evil.example", "several origins" },
  HostileOrigin{ "TwoOriginsSpaceSeparated", "https://viewer.example https://evil.example", "space" },
  HostileOrigin{ "PathMadeToLookLikeSubdomain", "https://evil.com/.example.org", "path" },
  HostileOrigin{ "TrailingSlash", "https://viewer.example/", "trailing '/'" },
  HostileOrigin{ "Query", "https://viewer.example?x=1", "query" },
  HostileOrigin{ "Fragment", "https://viewer.example#x", "fragment" },
  HostileOrigin{ "Backslash", "https://viewer.example\\evil.example", "backslash" },
  HostileOrigin{ "LeadingSpace", " https://viewer.example", "space" },
  HostileOrigin{ "NoScheme", "viewer.example", "scheme://host" },
  HostileOrigin{ "SchemeStartingWithDigit", "1http://viewer.example", "scheme" },
  HostileOrigin{ "EmptyHost", "https://", "empty host" },
  HostileOrigin{ "EmptyLabel", "https://viewer..example", "empty label" },
  HostileOrigin{ "LabelStartingWithHyphen", "https://-viewer.example", "'-'" },
  HostileOrigin{ "UnderscoreInHost", "https://my_viewer.example", "invalid character" },
  HostileOrigin{ "PercentEncodedHost", "https://viewer%2eexample", "invalid character" },
  HostileOrigin{ "EmptyPort", "https://viewer.example:", "empty port" },
  HostileOrigin{ "PortZero", "https://viewer.example:0", "port" },
  HostileOrigin{ "PortWithLeadingZero", "https://viewer.example:08443", "leading zero" },
  HostileOrigin{ "PortAbove65535", "https://viewer.example:65536", "65535" },
  HostileOrigin{ "NonNumericPort", "https://viewer.example:https", "decimal" },
  HostileOrigin{ "Ipv4NotDottedQuad", "http://192.168.1", "IPv4" },
  HostileOrigin{ "Ipv4OctetAbove255", "http://192.168.1.256", "IPv4" },
  HostileOrigin{ "HostEndingInHexNumber", "http://viewer.0x7f", "IPv4" },
  HostileOrigin{ "Ipv6NotCompressed", "http://[0:0:0:0:0:0:0:1]", "expected [::1]" },
  HostileOrigin{ "Ipv6WithEmbeddedIpv4", "http://[::ffff:127.0.0.1]", "expected [::ffff:7f00:1]" },
  HostileOrigin{ "Ipv6Unterminated", "http://[::1", "unterminated" },
  HostileOrigin{ "UpperCaseNull", "NULL", "upper case" }
), NameOf<HostileOrigin>);


TEST(Origin, ExactlyTwoThousandFortyEightBytesIsStillAccepted)
{
  const std::string value = "https://" + std::string(2048 - 8 - 8, 'a') + ".example";
  ASSERT_EQ(2048u, value.size());
  EXPECT_TRUE(ParseSerializedOrigin(value).origin.has_value());
}

TEST(Origin, NullParsesToTheOpaqueOrigin)
{
  OriginParseResult result = ParseSerializedOrigin("null");
  ASSERT_TRUE(result.origin.has_value());
  EXPECT_TRUE(result.origin->isNull);
  EXPECT_EQ("null", result.origin->Serialize());
}

TEST(Origin, EqualityComparesSchemeHostAndPort)
{
  auto parse = [](const char* value) { return *ParseSerializedOrigin(value).origin; };
  EXPECT_EQ(parse("https://a.example"), parse("https://a.example"));
  EXPECT_FALSE(parse("https://a.example") == parse("http://a.example"));
  EXPECT_FALSE(parse("https://a.example") == parse("https://a.example:8443"));
  EXPECT_FALSE(parse("https://a.example") == parse("https://b.example"));
  EXPECT_FALSE(parse("https://a.example") == parse("null"));
}

TEST(Origin, DefaultPortsFollowTheUrlStandard)
{
  EXPECT_EQ(80, GetDefaultPort("http"));
  EXPECT_EQ(80, GetDefaultPort("ws"));
  EXPECT_EQ(443, GetDefaultPort("https"));
  EXPECT_EQ(443, GetDefaultPort("wss"));
  EXPECT_EQ(0, GetDefaultPort("chrome-extension"));
}
