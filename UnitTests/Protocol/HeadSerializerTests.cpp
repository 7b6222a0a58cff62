// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Protocol/HeadSerializer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace OrthancCors;

// Every head the gateway writes, its own answers and what it relays, in both
// directions, comes from one serializer: it must read like what Beast's
// serializer wrote, and refuse what a peer would read otherwise.

TEST(ResponseHead, PreflightIs204WithZeroContentLengthAndTheHeadersInOrder)
{
  const HttpHeaders headers = {{"Vary", "Origin"}, {"Access-Control-Allow-Origin", "http://localhost:3000"}};
  EXPECT_EQ("HTTP/1.1 204 No Content\r\n"
            "Vary: Origin\r\n"
            "Access-Control-Allow-Origin: http://localhost:3000\r\n"
            "Content-Length: 0\r\n"
            "\r\n",
            *SerializeResponseHead(11, 204, headers, BodyFraming::Length(0), true));
}

TEST(ResponseHead, ExistingContentLengthIsNotRepeated)
{
  const HttpHeaders headers = {{"content-length", "42"}};
  EXPECT_EQ("HTTP/1.1 200 OK\r\ncontent-length: 42\r\n\r\n",
            *SerializeResponseHead(11, 200, headers, BodyFraming::Length(42), true));
}

TEST(ResponseHead, Http11ClosingConnectionSaysClose)
{
  EXPECT_EQ("HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\nConnection: close\r\n\r\n",
            *SerializeResponseHead(11, 403, {}, BodyFraming::Length(5), false));
}

TEST(ResponseHead, Http10KeptAliveSaysKeepAliveAndClosingSaysNothing)
{
  EXPECT_EQ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
            *SerializeResponseHead(10, 200, {}, BodyFraming::Length(0), true));
  EXPECT_EQ("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            *SerializeResponseHead(10, 404, {}, BodyFraming::Length(0), false));
}

TEST(ResponseHead, GatewayErrorsHaveTheirReasonPhrases)
{
  EXPECT_EQ(0u, SerializeResponseHead(11, 431, {}, BodyFraming::Length(0), false)->find("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
  EXPECT_EQ(0u, SerializeResponseHead(11, 502, {}, BodyFraming::Length(0), false)->find("HTTP/1.1 502 Bad Gateway\r\n"));
  EXPECT_EQ(0u, SerializeResponseHead(11, 504, {}, BodyFraming::Length(0), false)->find("HTTP/1.1 504 Gateway Timeout\r\n"));
}

TEST(ResponseHead, ChunkedFramingSaysTransferEncodingAndNoLength)
{
  EXPECT_EQ("HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nTransfer-Encoding: chunked\r\n\r\n",
            *SerializeResponseHead(11, 200, {{"Content-Type", "a/b"}}, BodyFraming::Chunked(), true));
}

TEST(ResponseHead, FramingAsIsAddsNothing)
{
  // A HEAD answer keeps the Content-Length Orthanc gave; a body until close has none.
  EXPECT_EQ("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n",
            *SerializeResponseHead(11, 200, {{"Content-Length", "12"}}, BodyFraming::AsIs(), true));
  EXPECT_EQ("HTTP/1.0 200 OK\r\n\r\n", *SerializeResponseHead(10, 200, {}, BodyFraming::AsIs(), false));
}

TEST(ResponseHead, RelayedReasonPhraseIsKept)
{
  EXPECT_EQ("HTTP/1.1 200 Fine\r\nContent-Length: 0\r\n\r\n",
            *SerializeResponseHead(11, 200, {}, BodyFraming::Length(0), true, "Fine"));
}

TEST(HeadSerializer, CarriageReturnLineFeedOrNulInAValueIsRefused)
{
  for (const std::string& value : {std::string("a\r\nSet-Cookie: x=1"), std::string("a\nb"), std::string("a\rb"),
                                  std::string("a\0b", 3), std::string("a\x01b"), std::string("a\x7f")})
  {
    EXPECT_FALSE(SerializeResponseHead(11, 200, {{"X-A", value}}, BodyFraming::Length(0), true)) << value;
    EXPECT_FALSE(SerializeRequestHead("GET", "/", {{"X-A", value}}, BodyFraming::AsIs())) << value;
  }
  EXPECT_TRUE(SerializeResponseHead(11, 200, {{"X-A", "a\tb \xe9"}}, BodyFraming::Length(0), true));
}

TEST(HeadSerializer, FieldNameThatIsNotATokenIsRefused)
{
  for (const std::string& name : std::vector<std::string>{"", "X A", "X:A", "X\r\nA", "X\x80"})
  {
    EXPECT_FALSE(SerializeResponseHead(11, 200, {{name, "v"}}, BodyFraming::Length(0), true)) << name;
    EXPECT_FALSE(SerializeRequestHead("GET", "/", {{name, "v"}}, BodyFraming::AsIs())) << name;
  }
}

TEST(HeadSerializer, ValueWithWhitespaceAtEitherEndIsRefused)
{
  // A parser trims it: the peer would read another value than the one written.
  EXPECT_FALSE(SerializeRequestHead("GET", "/", {{"X-A", " v"}}, BodyFraming::AsIs()));
  EXPECT_FALSE(SerializeRequestHead("GET", "/", {{"X-A", "v\t"}}, BodyFraming::AsIs()));
  EXPECT_TRUE(SerializeRequestHead("GET", "/", {{"X-A", ""}}, BodyFraming::AsIs()));
}

TEST(HeadSerializer, ReasonWithALineEndAndTargetWithASpaceAreRefused)
{
  EXPECT_FALSE(SerializeResponseHead(11, 200, {}, BodyFraming::Length(0), true, "OK\r\nX-A: 1"));
  EXPECT_FALSE(SerializeRequestHead("GET", "/a b", {}, BodyFraming::AsIs()));
  EXPECT_FALSE(SerializeRequestHead("GET", "/a\r\nX-A: 1", {}, BodyFraming::AsIs()));
  EXPECT_FALSE(SerializeRequestHead("G T", "/", {}, BodyFraming::AsIs()));
  EXPECT_FALSE(SerializeRequestHead("GET", "", {}, BodyFraming::AsIs()));
  EXPECT_FALSE(SerializeResponseHead(11, 1000, {}, BodyFraming::Length(0), true));
}

TEST(RequestHead, FieldsInOrderThenTheFraming)
{
  EXPECT_EQ("POST /instances HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n",
            *SerializeRequestHead("POST", "/instances", {{"Host", "a"}}, BodyFraming::Length(3)));
  EXPECT_EQ("POST /instances HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
            *SerializeRequestHead("POST", "/instances", {{"Host", "a"}}, BodyFraming::Chunked()));
  EXPECT_EQ("GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            *SerializeRequestHead("GET", "/", {{"Host", "a"}}, BodyFraming::AsIs()));
}
