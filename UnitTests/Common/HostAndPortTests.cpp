// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Common/HostAndPort.h"

#include <gtest/gtest.h>

using namespace OrthancCors;


TEST(SplitAuthority, HostEndsAtTheFirstColonOrAfterTheBrackets)
{
  AuthorityParts parts = SplitAuthority("a.example:8042");
  EXPECT_EQ("a.example", parts.host);
  EXPECT_EQ("8042", parts.port.value());

  parts = SplitAuthority("a:b:80");   // a reg-name holds no ':': the port is "b:80"
  EXPECT_EQ("a", parts.host);
  EXPECT_EQ("b:80", parts.port.value());

  parts = SplitAuthority("[::1]:8043");
  EXPECT_EQ("[::1]", parts.host);
  EXPECT_EQ("8043", parts.port.value());

  parts = SplitAuthority("[::1]");
  EXPECT_EQ("[::1]", parts.host);
  EXPECT_FALSE(parts.port.has_value());
}


TEST(SplitAuthority, EmptyPortAndEmptyHostAreLeftToTheCaller)
{
  AuthorityParts parts = SplitAuthority("host:");
  EXPECT_EQ(AuthorityProblem::None, parts.problem);
  EXPECT_EQ("", parts.port.value());

  parts = SplitAuthority(":80");
  EXPECT_EQ(AuthorityProblem::None, parts.problem);
  EXPECT_EQ("", parts.host);

  EXPECT_FALSE(SplitAuthority("localhost").port.has_value());
  EXPECT_EQ("", SplitAuthority("").host);
}


TEST(SplitAuthority, BracketsMustCloseAndBeFollowedByAPortOnly)
{
  EXPECT_EQ(AuthorityProblem::UnclosedBracket, SplitAuthority("[::1").problem);
  EXPECT_EQ(AuthorityProblem::TextAfterBracket, SplitAuthority("[::1]x").problem);
  EXPECT_EQ(AuthorityProblem::TextAfterBracket, SplitAuthority("[::1]8043").problem);
}


TEST(ParsePort, DecimalFromOneTo65535)
{
  EXPECT_EQ(1, ParsePort("1").value);
  EXPECT_EQ(65535, ParsePort("65535").value);
  EXPECT_EQ(8042, ParsePort("08042").value);   // RFC 3986: port = *DIGIT
  EXPECT_EQ(PortProblem::None, ParsePort("443").problem);
}


TEST(ParsePort, ProblemsAreNamed)
{
  EXPECT_EQ(PortProblem::Empty, ParsePort("").problem);
  EXPECT_EQ(PortProblem::NotDecimal, ParsePort("80a").problem);
  EXPECT_EQ(PortProblem::NotDecimal, ParsePort("+80").problem);
  EXPECT_EQ(PortProblem::NotDecimal, ParsePort(" 80").problem);
  EXPECT_EQ(PortProblem::Zero, ParsePort("0").problem);
  EXPECT_EQ(PortProblem::Zero, ParsePort("00000").problem);
  EXPECT_EQ(PortProblem::AboveMaximum, ParsePort("65536").problem);
  EXPECT_EQ(PortProblem::AboveMaximum, ParsePort("99999").problem);
  EXPECT_EQ(PortProblem::AboveMaximum, ParsePort("008042").problem);   // more than 5 digits
  EXPECT_EQ(PortProblem::AboveMaximum, ParsePort("123456789012345678901234567890").problem);
}


TEST(HostAndPort, ParsesHostAndPort)
{
  const auto parsed = ParseHostAndPort("Orthanc.Example:8042");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ("orthanc.example", parsed->host);
  EXPECT_EQ(8042, *parsed->port);

  const auto v6 = ParseHostAndPort("[::1]:8043");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ("[::1]", v6->host);
  EXPECT_EQ(8043, *v6->port);

  EXPECT_EQ("a.example", ParseHostAndPort(" a.example\t").value().host);
  EXPECT_FALSE(ParseHostAndPort("localhost").value().port.has_value());
  EXPECT_FALSE(ParseHostAndPort("localhost:").value().port.has_value());   // RFC 3986: an empty port
}


TEST(HostAndPort, RefusesMalformedAuthorities)
{
  EXPECT_FALSE(ParseHostAndPort("").has_value());
  EXPECT_FALSE(ParseHostAndPort(":8042").has_value());
  EXPECT_FALSE(ParseHostAndPort("host:0").has_value());
  EXPECT_FALSE(ParseHostAndPort("host:65536").has_value());
  EXPECT_FALSE(ParseHostAndPort("host:80a").has_value());
  EXPECT_FALSE(ParseHostAndPort("a:b:80").has_value());
  EXPECT_FALSE(ParseHostAndPort("[::1").has_value());
  EXPECT_FALSE(ParseHostAndPort("[::1]x").has_value());
}
