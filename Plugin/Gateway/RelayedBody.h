// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "MessageIo.h"

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>

namespace OrthancCors
{
  // One end of a body being relayed: its connection, and how long one read or
  // one write on it may take.
  struct BodyEnd
  {
    AnyStream& stream;
    std::chrono::steady_clock::duration timeout;
  };

  // How a relayed body ended.
  struct PumpResult
  {
    enum class Outcome
    {
      Done,          // the whole body is written
      ReadFailed,    // the source closed, stalled or sent a malformed body
      WriteFailed    // the sink closed or stalled
    };

    Outcome outcome = Outcome::Done;
    boost::system::error_code error;
    std::size_t bodyBytes = 0;   // body bytes written to the sink (framing aside)
    bool headWritten = false;    // the message's head reached the sink: a failure can only cut it
  };
}
