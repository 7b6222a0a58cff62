#pragma once

#include "AnyStream.h"
#include "MessageIo.h"

#include <boost/beast/http/error.hpp>

#include <chrono>
#include <cstddef>
#include <span>

namespace OrthancCors
{
  // One end of a body being relayed: its connection, and how long one read or
  // one write on it may take.
  struct BodyEnd
  {
    AnyStream& stream;
    std::chrono::steady_clock::duration timeout;
  };

  struct PumpResult
  {
    enum class Outcome
    {
      Done,          // the whole body is written, the serializer is done
      ReadFailed,    // the source closed, stalled or sent a malformed body
      WriteFailed    // the sink closed or stalled
    };

    Outcome outcome = Outcome::Done;
    boost::system::error_code error;
    std::size_t bodyBytes = 0;   // body bytes handed to the sink, written or not (framing aside)
  };

  // Relays a message body, the request's to Orthanc or the response's to the
  // client, one bounded piece at a time, as Beast's http_relay example does:
  // `readSome` reads the next piece from the source into `parser` (a buffer_body
  // parser whose header is read), the piece becomes the body of `message` and
  // is written through `serializer` (serializing `message`, its header written
  // already), until both are done.
  // `alreadyRead` (bytes of the body read before, possibly all of it) is
  // written first. At most `chunk` bytes are held. Each read and each write has
  // its end's timeout; the timeouts are cleared when the body is through.
  template <typename Parser, typename ReadSome, typename Message, typename Serializer>
  MessageIo::Awaitable<PumpResult> PumpBody(BodyEnd source,
                                            Parser& parser,
                                            ReadSome readSome,
                                            BodyEnd sink,
                                            Message& message,
                                            Serializer& serializer,
                                            std::span<char> chunk,
                                            std::span<char> alreadyRead)
  {
    namespace http = boost::beast::http;
    PumpResult result;
    auto& body = message.body();
    bool alreadyReadSent = alreadyRead.empty();

    while (!serializer.is_done())
    {
      if (!alreadyReadSent)
      {
        alreadyReadSent = true;
        body.data = alreadyRead.data();
        body.size = alreadyRead.size();
        body.more = !parser.is_done();
      }
      else if (!parser.is_done())
      {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        source.stream.Tcp().expires_after(source.timeout);
        auto [readError, readBytes] = co_await readSome();
        if (readError == http::error::need_buffer)
        {
          readError = {};   // the chunk is full: it is written below
        }
        if (readError)
        {
          result.outcome = PumpResult::Outcome::ReadFailed;
          result.error = readError;
          co_return result;
        }

        const std::size_t produced = chunk.size() - parser.get().body().size;
        if (produced == 0 && !parser.is_done())
        {
          continue;   // framing bytes only (a chunk header)
        }
        // No empty buffer: Beast would frame it as an empty chunk, i.e. a second
        // "0\r\n\r\n" after the final one.
        body.data = produced > 0 ? chunk.data() : nullptr;
        body.size = produced;
        body.more = !parser.is_done();
      }
      else
      {
        body.data = nullptr;
        body.size = 0;
        body.more = false;
      }

      result.bodyBytes += body.size;
      sink.stream.Tcp().expires_after(sink.timeout);
      auto [writeError, writeBytes] = co_await MessageIo::Write(sink.stream, serializer);
      if (writeError == http::error::need_buffer)
      {
        writeError = {};   // the piece is written; the serializer waits for the next
      }
      if (writeError)
      {
        result.outcome = PumpResult::Outcome::WriteFailed;
        result.error = writeError;
        co_return result;
      }
    }

    source.stream.Tcp().expires_never();
    sink.stream.Tcp().expires_never();
    co_return result;
  }
}
