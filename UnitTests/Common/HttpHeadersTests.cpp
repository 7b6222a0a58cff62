// SPDX-License-Identifier: AGPL-3.0-or-later

#include "../../Plugin/Common/HttpHeaders.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

namespace
{
  using List = std::vector<std::string>;
}


TEST(OptionalWhitespace, SpacesAndTabsAreTrimmedAtBothEndsOnly)
{
  EXPECT_EQ("gzip; q=0.5", TrimOptionalWhitespace(" \t gzip; q=0.5\t "));
  EXPECT_EQ("", TrimOptionalWhitespace(" \t "));
  EXPECT_EQ("a", TrimOptionalWhitespace("a"));
  // Only RFC 9110 OWS: line breaks and other control characters stay.
  EXPECT_EQ("\r\nx\n", TrimOptionalWhitespace("\r\nx\n"));
}


TEST(HeaderList, ElementsAreSplitOnCommasWithOptionalWhitespaceTrimmed)
{
  EXPECT_EQ(List({ "accept", "Authorization", "x-foo" }), SplitHeaderList("accept,  Authorization\t, x-foo "));
}

TEST(HeaderList, EmptyElementsAreTolerated)
{
  EXPECT_EQ(List({ "a", "b" }), SplitHeaderList(",a,, ,b,"));
  EXPECT_TRUE(SplitHeaderList("").empty());
  EXPECT_TRUE(SplitHeaderList(" , ,").empty());
}

TEST(HeaderList, CommaInsideQuotedStringDoesNotSplit)
{
  EXPECT_EQ(List({ "a=\"x, y\"", "b" }), SplitHeaderList("a=\"x, y\", b"));
  EXPECT_EQ(List({ "\"esc\\\"aped, still\"" }), SplitHeaderList("\"esc\\\"aped, still\""));
}

TEST(HeaderList, JoinUsesCommaSpace)
{
  EXPECT_EQ("GET, POST", JoinHeaderList({ "GET", "POST" }));
  EXPECT_EQ("", JoinHeaderList({}));
}

TEST(HeaderFields, NamesCompareCaseInsensitively)
{
  HttpHeaders headers = { { "origin", "a" }, { "X-Other", "b" }, { "ORIGIN", "c" } };
  EXPECT_EQ(List({ "a", "c" }), GetAll(headers, "Origin"));
  EXPECT_TRUE(EqualsIgnoringCase("Access-Control-Allow-Origin", "access-control-allow-origin"));
  EXPECT_FALSE(EqualsIgnoringCase("Origin", "Origin2"));
  EXPECT_EQ("x-foo", ToLowerAscii("X-Foo"));
}

TEST(HeaderFields, CaseIsFoldedForAsciiLettersOnlyAtEveryPosition)
{
  // The comparison goes eight bytes at a time: each position of lengths around
  // that size is checked, with a letter in the other case (equal) and with a byte
  // that differs from another by the case bit without being a letter (not equal).
  for (std::size_t length = 1; length <= 25; length++)
  {
    for (std::size_t position = 0; position < length; position++)
    {
      const std::string lower(length, 'a');
      std::string upper = lower;
      upper[position] = 'A';
      EXPECT_TRUE(EqualsIgnoringCase(lower, upper)) << length << " " << position;

      std::string dash(length, '-');     // 0x2D
      std::string carriageReturn = dash;
      carriageReturn[position] = '\r';   // 0x0D: '-' without the case bit
      EXPECT_FALSE(EqualsIgnoringCase(dash, carriageReturn)) << length << " " << position;

      std::string other = lower;
      other[position] = 'b';
      EXPECT_FALSE(EqualsIgnoringCase(lower, other)) << length << " " << position;

      std::string at = std::string(length, '@');   // 0x40: '`' (0x60) with the case bit
      std::string backtick = at;
      backtick[position] = '`';
      EXPECT_FALSE(EqualsIgnoringCase(at, backtick)) << length << " " << position;
    }
  }
  EXPECT_TRUE(EqualsIgnoringCase("", ""));
}

TEST(HeaderFields, LookUpCountsEveryFieldOfTheNameAndKeepsTheFirstValue)
{
  const HttpHeaders headers = { { "host", "a" }, { "X-Other", "b" }, { "HOST", "c" } };
  const FieldLookup host = LookUpField(ViewFields(headers), "Host");
  EXPECT_EQ(2u, host.count);
  EXPECT_EQ("a", host.first);
  const FieldLookup absent = LookUpField(ViewFields(headers), "Origin");
  EXPECT_EQ(0u, absent.count);
  EXPECT_TRUE(absent.first.empty());
}

TEST(HeaderFields, RemoveAllRemovesEveryRepetition)
{
  HttpHeaders headers = { { "Vary", "a" }, { "X", "1" }, { "vary", "b" } };
  RemoveAll(headers, "VARY");
  ASSERT_EQ(1u, headers.size());
  EXPECT_EQ("X", headers[0].name);
}

TEST(HeaderFields, SetSingleLeavesExactlyOneFieldAtTheFirstPosition)
{
  HttpHeaders headers = { { "Content-Length", "12" }, { "X", "1" }, { "content-length", "13" } };
  SetSingle(headers, "Content-Length", "0");
  ASSERT_EQ(2u, headers.size());
  EXPECT_EQ("0", headers[0].value);
  EXPECT_EQ("X", headers[1].name);

  SetSingle(headers, "New", "v");
  EXPECT_EQ(List({ "v" }), GetAll(headers, "new"));
}

TEST(Vary, TokensAreAddedToASingleField)
{
  HttpHeaders headers = { { "Vary", "Accept-Encoding" }, { "Other", "x" }, { "vary", "Accept" } };
  AddToVary(headers, { "Origin" });
  EXPECT_EQ(List({ "Accept-Encoding, Accept, Origin" }), GetAll(headers, "Vary"));
}

TEST(Vary, ExistingTokensAreNotDuplicatedCaseInsensitively)
{
  HttpHeaders headers = { { "Vary", "origin, Accept-Encoding" } };
  AddToVary(headers, { "Origin", "Access-Control-Request-Method", "Origin" });
  EXPECT_EQ(List({ "origin, Accept-Encoding, Access-Control-Request-Method" }), GetAll(headers, "Vary"));
}

TEST(Vary, IsCreatedWhenAbsent)
{
  HttpHeaders headers;
  AddToVary(headers, { "Origin" });
  EXPECT_EQ(List({ "Origin" }), GetAll(headers, "Vary"));
}

TEST(Vary, StarIsLeftAlone)
{
  HttpHeaders headers = { { "Vary", "*" } };
  AddToVary(headers, { "Origin" });
  EXPECT_EQ(List({ "*" }), GetAll(headers, "Vary"));
}

TEST(Token, HeaderNamesAndMethodsMustBeTokens)
{
  EXPECT_TRUE(IsToken("GET"));
  EXPECT_TRUE(IsToken("x-custom_header.1"));
  EXPECT_TRUE(IsToken("!#$%&'*+-.^_`|~"));
  EXPECT_FALSE(IsToken(""));
  EXPECT_FALSE(IsToken("x foo"));
  EXPECT_FALSE(IsToken("x:foo"));
  EXPECT_FALSE(IsToken("x\r\nfoo"));
  EXPECT_FALSE(IsToken("\"quoted\""));
  EXPECT_FALSE(IsToken("caf\xc3\xa9"));
}
