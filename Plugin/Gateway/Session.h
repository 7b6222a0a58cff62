// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AccessLogFormat.h"
#include "AnyStream.h"
#include "ConnectionRegistry.h"
#include "GatewayContext.h"
#include "Relay.h"
#include "UpstreamConnection.h"
#include "../Policy/ActualDecisionCache.h"
#include "../Policy/PreflightAnswerCache.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory_resource>
#include <memory>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // One client connection, from the TLS handshake to the last request: reads each
  // request header (refusing malformed ones), answers preflights from the policy,
  // serves mounted folders (to the clients Orthanc lets in), relays the rest to Orthanc. Runs as one coroutine on
  // the connection's own event loop (one thread) and owns every buffer of the connection.
  class Session : public IClosable, public std::enable_shared_from_this<Session>
  {
  public:
    // `fromTrustedProxy`: Cors.Gateway.TrustedProxies lists the socket's peer (the listener looked).
    Session(const GatewayContext& context, boost::asio::ip::tcp::socket socket, bool fromTrustedProxy);
    ~Session() override;

    // The registry entry that counts this connection; released with the session.
    void Adopt(ConnectionRegistry::Membership membership);

    boost::asio::awaitable<void> Run();

    void Close() override;

  private:
    enum class HeaderRead
    {
      Ready,
      Refused,           // malformed or too large: answered, then the connection ends
      ConnectionEnded,   // closed by the client, or past a deadline
    };

    // The request in progress, for the access log and the metrics.
    struct RequestInProgress
    {
      std::chrono::steady_clock::time_point began;
      std::chrono::system_clock::time_point beganWallClock;
      AnyStream::Traffic trafficBefore;
      std::string requestLine;
      std::string referer;
      std::string userAgent;
      CorsOutcome outcome = CorsOutcome::None;
    };

    // A trusted proxy's connection: its PROXY protocol header, when it starts with one.
    // False when the connection ends (a malformed header, closed, past the deadline).
    boost::asio::awaitable<bool> ReadProxyHeader();
    boost::asio::awaitable<bool> Handshake();

    // Plain HTTP sent to the TLS gateway: a readable 400 in plain HTTP, then close.
    boost::asio::awaitable<void> AnswerPlainHttpOnTlsPort();
    // `newConnection`: the first request, read on the deadline Run() set.
    boost::asio::awaitable<HeaderRead> ReadHeader(RequestParser& parser, bool newConnection);
    boost::asio::awaitable<ConnectionFate> Serve(RequestParser& parser);
    // From the connection's PreflightAnswerCache when the same question was answered before.
    boost::asio::awaitable<ConnectionFate> AnswerPreflight(RequestParser& parser, const Policy& policy,
                                                           const CorsFieldViews& corsFields);

    // A trusted proxy's connection, once the client it carries is known (from its
    // PROXY header, or each request's X-Forwarded-For): that client is the one it
    // counts for, logs and tells Orthanc about. False when that client has its
    // MaxConnectionsPerClient already.
    bool CountForClient(const boost::asio::ip::address& client);
    // Then: 503 with Retry-After, and the connection closes.
    boost::asio::awaitable<void> RefuseClientOverLimit(unsigned int version);

    // A request refused as malformed: answered with a JSON error, then the
    // connection closes (what follows on it cannot be trusted).
    boost::asio::awaitable<void> Refuse(unsigned int version, int status, const std::string& details,
                                        const HttpHeaders& extraHeaders);

    // What Orthanc is told about the request it gets from the gateway (relayed, or an access probe).
    // (From the request's fields: call while they are viewed.)
    ForwardingContext MakeForwardingContext() const;

    // After each request, its parser gone: the field views and the arena let go.
    void ForgetRequestFields();

    void BeginRequest();
    // Counts the request in the metrics and writes its access log line.
    void FinishRequest();
    // Adds the connection's bytes not counted yet to the metrics.
    void CountTraffic();
    void RecordPolicyOutcome(const CorsRequest& request, const CorsDecision& decision);

    std::string DescribeOwnHost() const;
    // The 400 of a PROXY protocol header from a peer that is not trusted.
    std::string DescribeUntrustedProxyHeader() const;
    void CloseNow();

    const GatewayContext& context_;
    boost::asio::any_io_executor executor_;
    AnyStream client_;
    boost::asio::ip::address peerAddress_;    // the connection's other end
    const bool fromTrustedProxy_;             // Cors.Gateway.TrustedProxies lists the peer
    boost::asio::ip::address proxiedAddress_; // the client its PROXY header named, else the peer
    boost::asio::ip::address clientAddress_;  // the client of the request in progress
    std::size_t forwardedForEntriesUsed_ = 0; // how X-Forwarded-For named it (ResolveForwardedFor)
    const char* forwardedScheme_ = nullptr;   // the scheme a trusted HTTP proxy reported, if any
    bool clientOverLimit_ = false;            // the PROXY header named a client at its limit
    std::string clientAddressText_;           // for the access log, made at its first line
    boost::asio::ip::tcp::endpoint localEndpoint_;
    boost::beast::flat_buffer buffer_;
    // The request's fields are allocated here (RequestParser), all released when
    // its parser is gone (ForgetRequestFields); the first FIELD_ARENA_BYTES hold a
    // browser's request without a malloc.
    static constexpr std::size_t FIELD_ARENA_BYTES = 2048;
    alignas(std::max_align_t) std::array<std::byte, FIELD_ARENA_BYTES> fieldArenaStorage_;
    std::pmr::monotonic_buffer_resource fieldArena_;
    HttpFieldViews fields_;                   // the request's fields, viewed in its parser (Serve)
    UpstreamConnection upstream_;
    PreflightAnswerCache preflightAnswers_;
    ActualDecisionCache actualDecisions_;
    std::vector<char> chunk_;                 // the streaming buffer, allocated at the first relay
    std::optional<ConnectionRegistry::Membership> membership_;
    bool closing_ = false;
    RequestInProgress request_;
    uint64_t bytesReadCounted_ = 0;
    uint64_t bytesWrittenCounted_ = 0;
  };
}
