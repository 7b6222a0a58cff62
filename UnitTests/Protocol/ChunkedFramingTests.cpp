// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Protocol/ChunkedFraming.h"
#include "Protocol/HeaderSection.h"

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <limits>

using namespace OrthancCors;

namespace
{
  const ChunkedFramingLimits LIMITS{16, 32};

  std::size_t Room(std::string_view pending, boost::system::error_code& error)
  {
    return GetRoomForPendingFraming(pending, LIMITS, error);
  }
}


TEST(ChunkedFraming, UnfinishedChunkLineMayGrowUpToTheLineLimitAndItsCrlf)
{
  boost::system::error_code error;
  EXPECT_EQ(18u - 2u, Room("1;", error));
  EXPECT_FALSE(error);
  // The CRLF that ends the previous chunk's data does not count.
  EXPECT_EQ(18u - 2u, Room("\r\n1;", error));
  EXPECT_FALSE(error);
  EXPECT_EQ(1u, Room(std::string(17, 'a'), error));   // its CR may have arrived: LF left
  EXPECT_FALSE(error);
}


TEST(ChunkedFraming, ChunkLineOverTheLimitIsRefused)
{
  boost::system::error_code error;
  EXPECT_EQ(0u, Room("1;" + std::string(16, 'a'), error));
  EXPECT_EQ(MakeErrorCode(ChunkedFramingError::ChunkLineTooLong), error);
  EXPECT_NE(std::string::npos, error.message().find("chunk-size line"));
}


TEST(ChunkedFraming, TrailersAfterTheLastChunkCountAgainstTheTrailerLimit)
{
  boost::system::error_code error;
  EXPECT_EQ(32u - 5u, Room("0\r\nA: bc", error));
  EXPECT_FALSE(error);
  EXPECT_EQ(32u - 5u, Room("\r\n0\r\nA: bc", error));
  EXPECT_FALSE(error);
  EXPECT_EQ(0u, Room("0\r\nA: " + std::string(29, 'b'), error));
  EXPECT_EQ(MakeErrorCode(ChunkedFramingError::TrailersTooLarge), error);
}


TEST(ChunkedFraming, CompleteChunkHeaderWithLongExtensionsIsRefused)
{
  const std::string input = "5;" + std::string(20, 'x') + "\r\nhello";
  const std::string_view extensions = std::string_view(input).substr(1, 21);
  EXPECT_EQ(MakeErrorCode(ChunkedFramingError::ChunkLineTooLong), CheckCompleteChunkHeader(5, extensions, input, LIMITS));
  EXPECT_FALSE(CheckCompleteChunkHeader(5, std::string_view(input).substr(1, 10), input, LIMITS));
}


TEST(ChunkedFraming, CompleteTrailerSectionIsMeasuredInTheInput)
{
  const std::string small = "0\r\nA: b\r\n\r\nGET / HTTP/1.1\r\n\r\n";      // a pipelined request does not count
  EXPECT_FALSE(CheckCompleteChunkHeader(0, std::string_view(small).substr(1, 0), small, LIMITS));

  const std::string large = "0\r\nA: " + std::string(40, 'b') + "\r\n\r\n";
  EXPECT_EQ(MakeErrorCode(ChunkedFramingError::TrailersTooLarge),
            CheckCompleteChunkHeader(0, std::string_view(large).substr(1, 0), large, LIMITS));

  // Extensions that are not a view of the input (another parser): only their size is checked.
  const std::string elsewhere;
  EXPECT_FALSE(CheckCompleteChunkHeader(0, elsewhere, large, LIMITS));
}


TEST(ChunkedFraming, BeastHandsTheChunkHeaderCallbackAViewOfItsInput)
{
  // CheckCompleteChunkHeader measures the trailers from where the extensions end
  // in the input: true of Beast 1.81; a Beast that copies them would disable it.
  namespace http = boost::beast::http;
  http::request_parser<http::buffer_body> parser;
  const std::string input = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    "0;name=value\r\nA: " + std::string(40, 'b') + "\r\n\r\n";
  bool called = false;
  std::function<void(std::uint64_t, std::string_view, boost::system::error_code&)> callback =
    [&](std::uint64_t size, std::string_view extensions, boost::system::error_code& error)
  {
    called = true;
    EXPECT_EQ(";name=value", extensions);
    EXPECT_GE(extensions.data(), input.data());
    EXPECT_LE(extensions.data() + extensions.size(), input.data() + input.size());
    error = CheckCompleteChunkHeader(size, extensions, input, LIMITS);
  };
  parser.on_chunk_header(callback);
  parser.eager(true);
  boost::system::error_code error;
  parser.put(boost::asio::buffer(input), error);
  EXPECT_TRUE(called);
  EXPECT_EQ(MakeErrorCode(ChunkedFramingError::TrailersTooLarge), error);
}


TEST(HeaderSection, RequestHeadIsMeasuredAsSerialized)
{
  const std::string head = "GET /a HTTP/1.1\r\nHost: h\r\nX: yz\r\n\r\n";
  EXPECT_EQ(head.size(), MeasureRequestHead("GET", "/a", {{"Host", "h"}, {"X", "yz"}}));
}


TEST(HeaderSection, EmptyLinesBeforeTheRequestCountAgainstTheLimit)
{
  std::string emptyLines;
  for (int i = 0; i < 1000; i++)
  {
    emptyLines += "\r\n";
  }
  EXPECT_EQ(HeaderSectionScan::Status::TooLarge, ScanHeaderSection(emptyLines, 1024).status);
}


TEST(ChunkSizeLine, SizeInHexThenCrLf)
{
  EXPECT_EQ("0\r\n", ChunkSizeLine(0).View());
  EXPECT_EQ("10000\r\n", ChunkSizeLine(65536).View());
  EXPECT_EQ("ffffffffffffffff\r\n", ChunkSizeLine(std::numeric_limits<std::size_t>::max()).View());
}
