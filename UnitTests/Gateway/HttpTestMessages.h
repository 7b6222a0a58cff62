// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "TestSocket.h"

#include "../../Plugin/Common/HttpHeaders.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace OrthancCors::Testing
{
  // A message read off a TestSocket by Beast's parser (the test side of the wire).
  struct ReceivedMessage
  {
    bool complete = false;          // a whole message was read
    std::string error;              // why not, otherwise
    unsigned int status = 0;        // responses
    std::string reason;
    std::string method;             // requests
    std::string target;
    unsigned int version = 0;
    bool chunked = false;           // framed with Transfer-Encoding: chunked
    HttpHeaders headers;
    std::string body;               // the first `keepLimit` bytes
    uint64_t bodyBytes = 0;
    bool patternIntact = true;      // every body byte equals PatternByte(offset)

    std::string Get(std::string_view name) const;   // first value, "" when absent
    std::size_t Count(std::string_view name) const;
  };

  struct ReadOptions
  {
    bool skipBody = false;          // the answer to a HEAD request
    std::size_t keepLimit = 1024 * 1024;
    std::chrono::milliseconds timeout = TestSocket::DEFAULT_TIMEOUT;
  };

  // Reads one message; `pending` holds bytes received beyond it (pipelining).
  ReceivedMessage ReadRequest(TestSocket& socket, std::string& pending, const ReadOptions& options = {});
  ReceivedMessage ReadResponse(TestSocket& socket, std::string& pending, const ReadOptions& options = {});

  // The generated body used to check large transfers byte for byte.
  char PatternByte(uint64_t offset);
  std::string MakePattern(uint64_t offset, std::size_t size);

  // Sends `size` pattern bytes, as they are (Content-Length framing) or as chunks
  // of `chunkSize` bytes (the terminating chunk included). False if the peer left.
  bool SendPattern(TestSocket& socket, uint64_t size, bool chunked = false, std::size_t chunkSize = 64 * 1024);
}
