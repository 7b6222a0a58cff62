// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "GatewayContext.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace OrthancCors
{
  // The one connection a client connection keeps to Orthanc's HTTP server on
  // loopback, reused across requests (keep-alive on both sides). Lives on the
  // session's event loop; not thread-safe.
  class UpstreamConnection
  {
  public:
    UpstreamConnection(boost::asio::any_io_executor executor, const GatewayContext& context);
    ~UpstreamConnection();

    // Makes the connection ready for a request: keeps the pooled one when it is
    // fresh, otherwise (never opened, idle for most of Orthanc's keep-alive
    // timeout, closed by Orthanc) connects anew, with TLS when Orthanc uses it.
    // `reused` tells whether the connection already served a request, i.e.
    // whether a failure before any answer may be a stale connection.
    boost::asio::awaitable<boost::system::error_code> Acquire(bool& reused);

    AnyStream& Stream() { return *stream_; }
    boost::beast::flat_buffer& Buffer() { return buffer_; }

    // After a complete exchange: keep the connection for the next request (when
    // Orthanc agreed to keep it alive), with the timeout Orthanc announced in its
    // Keep-Alive field ("timeout=1" for Orthanc 1.10), or close it.
    void Release(bool reusable, std::string_view keepAliveField);

    // Abandons the connection after an error or an unfinished exchange. Only
    // while no operation is pending on it.
    void Close();

    // Stop(): closes the socket under any pending operation (which then fails
    // with operation_aborted) and refuses to connect again.
    void Cancel();

    // "127.0.0.1:8042", for messages.
    std::string Describe() const;

  private:
    boost::asio::awaitable<boost::system::error_code> Connect();

    boost::asio::any_io_executor executor_;
    const GatewayContext& context_;
    std::optional<AnyStream> stream_;
    boost::beast::flat_buffer buffer_;
    bool pooled_ = false;
    bool cancelled_ = false;
    bool counted_ = false;   // in the metrics' open upstream connections
    std::chrono::steady_clock::time_point idleSince_;
    std::chrono::steady_clock::duration reuseLimit_;
  };

  // How long a pooled connection may stay idle before it is replaced: 80% of the
  // "timeout=" of a Keep-Alive field, 0.8 s (80% of Orthanc's 1 s) when absent.
  std::chrono::steady_clock::duration ComputeReuseLimit(std::string_view keepAliveField);
}
