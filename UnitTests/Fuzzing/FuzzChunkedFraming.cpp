// SPDX-License-Identifier: AGPL-3.0-or-later
// The chunked-framing limits (issue 18, finding 2). Input: a chunked request body,
// fed to Beast's request parser the way the gateway's RequestBodyReader feeds it
// (the read size bounded by GetRoomForPendingFraming while the parser waits for
// the end of a chunk-size line or of the trailers; the chunk-header callback
// checking complete lines with CheckCompleteChunkHeader), with small limits so
// that short inputs reach them.
// Invariants: the bytes left unparsed never exceed one read plus a chunk-size
// line plus the trailer section (whatever the input, memory stays bounded); a
// body accepted whole had no chunk-size line or extension over the line limit.

#include "FuzzSupport.h"
#include "Protocol/ChunkedFraming.h"

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <array>
#include <string>

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;

namespace
{
  namespace http = boost::beast::http;

  constexpr std::size_t READ_SIZE = 32;
  constexpr ChunkedFramingLimits LIMITS{16, 64};

  const std::string HEAD = "POST /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  http::request_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  parser.header_limit(64 * 1024);

  boost::system::error_code error;
  parser.put(boost::asio::buffer(HEAD), error);
  Require(!error && parser.is_header_done() && parser.chunked(), "the fixed request head parses");

  std::string_view given;   // what put() is being given, for the callback
  std::size_t longestLine = 0;
  auto onChunkHeader = [&](std::uint64_t chunkSize, std::string_view extensions, boost::system::error_code& callbackError)
  {
    longestLine = std::max(longestLine, extensions.size());
    callbackError = CheckCompleteChunkHeader(chunkSize, extensions, given, LIMITS);
  };
  parser.on_chunk_header(onChunkHeader);

  std::array<char, 48> body;
  std::string pending;
  std::size_t offset = 0;
  for (;;)
  {
    // As the relay does: put() again while it makes progress (Beast parses one
    // element a call), with a fresh body buffer whenever the last one is full.
    while (!pending.empty())
    {
      parser.get().body().data = body.data();
      parser.get().body().size = body.size();
      given = pending;
      boost::system::error_code putError;
      const std::size_t used = parser.put(boost::asio::buffer(pending), putError);
      given = {};
      pending.erase(0, used);
      if (putError && putError != http::error::need_more && putError != http::error::need_buffer)
      {
        return 0;   // refused (malformed, or a limit): the gateway answers 400
      }
      if (parser.is_done())
      {
        Require(longestLine <= LIMITS.chunkLine, "an accepted body has no extension over the line limit");
        return 0;
      }
      if (putError == http::error::need_more || (used == 0 && putError != http::error::need_buffer))
      {
        break;
      }
    }

    Require(pending.size() <= READ_SIZE + LIMITS.chunkLine + LIMITS.trailers + 4,
            "the unparsed bytes stay within one read, a chunk-size line and the trailers");

    std::size_t room = READ_SIZE;
    if (!pending.empty())
    {
      boost::system::error_code framingError;
      room = std::min(room, GetRoomForPendingFraming(pending, LIMITS, framingError));
      if (framingError)
      {
        return 0;   // a limit broken: 400
      }
    }
    if (room == 0 || offset >= input.size())
    {
      return 0;   // nothing more to read: the client stalls, IdleTimeout ends it
    }
    const std::size_t taken = std::min(room, input.size() - offset);
    pending.append(input.substr(offset, taken));
    offset += taken;
  }
}
