// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "RelayedBody.h"
#include "MessageIo.h"
#include "ResponseSpool.h"
#include "../Common/Metrics.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace OrthancCors
{
  using ResponseParser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

  // How a relayed body is framed towards the client.
  enum class ClientFraming
  {
    Length,       // Content-Length: the bytes as they are
    Chunked,      // HTTP/1.1 without a length: re-framed in chunks
    UntilClose    // HTTP/1.0 without a length: the bytes, then the connection closes
  };

  struct SpooledBodyEnds
  {
    BodyEnd upstream;
    boost::beast::flat_buffer& upstreamBuffer;   // what was read past Orthanc's head
    ResponseParser& parser;                      // Orthanc's head is parsed
    BodyEnd client;
  };

  // Counted as it happens, once an answer: the answer took a temporary file;
  // it found memory and file full and went on at its client's pace.
  struct SpoolCounters
  {
    MetricCounter& spilled;
    MetricCounter& unbuffered;
  };

  // Relays Orthanc's answer body to the client through `spool`, as nginx's proxy
  // buffering does: one coroutine reads Orthanc as fast as it sends, another
  // writes to the client as fast as it reads, so that Orthanc's HTTP thread is
  // free once it has sent the answer, however slow the client. `head` (the
  // answer's status line and fields, serialized) goes with the first body bytes.
  // `length`: the body's Content-Length, read from Orthanc's socket as it is;
  // none: read through the parser (chunked, or until Orthanc closes).
  // `bodyRead` is called as soon as the whole body is read from Orthanc, before
  // the client has it all. bodyBytes counts the bytes written to the client.
  MessageIo::Awaitable<PumpResult> RelaySpooledBody(SpooledBodyEnds ends,
                                                    ResponseSpool& spool,
                                                    std::string_view head,
                                                    int status,
                                                    std::optional<std::uint64_t> length,
                                                    ClientFraming framing,
                                                    SpoolCounters counters,
                                                    const std::function<void()>& bodyRead);
}
