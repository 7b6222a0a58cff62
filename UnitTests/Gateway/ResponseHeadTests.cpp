#include "Gateway/MessageIo.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

// The head of a response the gateway writes itself (preflights, errors, served
// files) is built by hand: it must read like what Beast's serializer wrote.

TEST(ResponseHead, PreflightIs204WithZeroContentLengthAndTheHeadersInOrder)
{
  const HttpHeaders headers = {{"Vary", "Origin"}, {"Access-Control-Allow-Origin", "http://localhost:3000"}};
  EXPECT_EQ("HTTP/1.1 204 No Content\r\n"
            "Vary: Origin\r\n"
            "Access-Control-Allow-Origin: http://localhost:3000\r\n"
            "Content-Length: 0\r\n"
            "\r\n",
            MessageIo::SerializeResponseHead(11, 204, headers, 0, true));
}

TEST(ResponseHead, ExistingContentLengthIsNotRepeated)
{
  const HttpHeaders headers = {{"content-length", "42"}};
  EXPECT_EQ("HTTP/1.1 200 OK\r\ncontent-length: 42\r\n\r\n",
            MessageIo::SerializeResponseHead(11, 200, headers, 42, true));
}

TEST(ResponseHead, Http11ClosingConnectionSaysClose)
{
  EXPECT_EQ("HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\nConnection: close\r\n\r\n",
            MessageIo::SerializeResponseHead(11, 403, {}, 5, false));
}

TEST(ResponseHead, Http10KeptAliveSaysKeepAliveAndClosingSaysNothing)
{
  EXPECT_EQ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
            MessageIo::SerializeResponseHead(10, 200, {}, 0, true));
  EXPECT_EQ("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            MessageIo::SerializeResponseHead(10, 404, {}, 0, false));
}

TEST(ResponseHead, GatewayErrorsHaveTheirReasonPhrases)
{
  EXPECT_EQ(0u, MessageIo::SerializeResponseHead(11, 431, {}, 0, false).find("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
  EXPECT_EQ(0u, MessageIo::SerializeResponseHead(11, 502, {}, 0, false).find("HTTP/1.1 502 Bad Gateway\r\n"));
  EXPECT_EQ(0u, MessageIo::SerializeResponseHead(11, 504, {}, 0, false).find("HTTP/1.1 504 Gateway Timeout\r\n"));
}
