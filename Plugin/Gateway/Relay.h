// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "RelayedBody.h"
#include "ClientAnswer.h"
#include "GatewayContext.h"
#include "UpstreamConnection.h"
#include "../Policy/CorsEvaluation.h"
#include "../Protocol/RelayHeaders.h"

#include <boost/asio/awaitable.hpp>
#include <boost/container/vector.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace OrthancCors
{
  class RequestBodyReader;
  class ResponseSpool;

  // One request relayed to Orthanc and its answer relayed back; the policy's
  // headers are merged into the answer whatever its status. A request body up to
  // Cors.Gateway.RequestBodyBufferSize is read whole before Orthanc is contacted
  // (so that a slow client never holds one of Orthanc's HTTP threads) and sent
  // with a Content-Length; a larger one streams through one bounded chunk. The
  // answer is read at Orthanc's pace into a ResponseSpool (memory, then a
  // temporary file) and written at the client's, so that a slow reader does not
  // hold Orthanc's thread either. Handles Expect: 100-continue, interim 1xx
  // answers, HEAD, a stale pooled connection (one retry for an idempotent
  // request whose body is whole here or was not sent), 502 and 504 with the
  // policy's headers.
  class Relay
  {
  public:
    struct ClientSide
    {
      AnyStream& stream;
      boost::beast::flat_buffer& buffer;
      RequestParser& parser;             // the request's header is parsed, its body is not
      const HttpHeaders& headers;        // the request's fields as received
      const ForwardingContext& forwarding;
    };

    Relay(const GatewayContext& context,
          ClientSide client,
          UpstreamConnection& upstream,
          std::shared_ptr<const CorsDecision> decision,
          std::vector<char>& chunk,
          const bool& closing);

    boost::asio::awaitable<ConnectionFate> Run();

  private:
    // Where the request's body is. The upstream framing, whether "100 Continue"
    // is still owed, and whether a failed attempt may be made again all follow
    // from it (and from what of it was sent).
    enum class BodyState
    {
      None,      // no body: sent as it is, may be sent again
      Whole,     // all of it in body_: sent with a Content-Length, may be sent again
      Started,   // its first part in body_, the rest at the client: streamed after body_
      Unread     // none of it read (RequestBodyBufferSize 0): streamed
    };

    enum class BodyOutcome
    {
      Sent,
      ClientGone,        // the client closed or stalled: nobody to answer
      ClientMalformed,   // invalid chunked framing...: 400
      UpstreamFailed     // Orthanc closed or stalled while receiving the body
    };

    // How a step of one attempt (the request sent, its answer relayed) ended.
    enum class Attempt
    {
      Sent,              // the request is sent: its answer comes next
      Done,              // relayed, or failed and answered (or nobody to answer): the relay ends with `fate`
      RetryOnFreshConnection
    };

    // Whether the attempt on a connection that served a request before may be
    // made again when that connection turns out to be stale: nothing of the
    // request is lost yet.
    bool MayRetry(bool reused, unsigned int attempt) const;

    // Reads a body of known length up to RequestBodyBufferSize (the first
    // RequestBodyBufferSize bytes of a larger one), or the first
    // RequestBodyBufferSize + 1 bytes of a chunked one, into body_, all within one
    // IdleTimeout, and sets bodyState_. The body is read through `reader` (as in
    // StreamBody): one reader for the whole body, so that the chunked framing
    // limits count it all.
    boost::asio::awaitable<BodyOutcome> BufferBody(RequestBodyReader& reader, boost::system::error_code& error);

    // How the request's body is framed towards Orthanc, from bodyState_.
    BodyFraming UpstreamFraming() const;

    // The request's `head` and body to Orthanc: in one write when the body is
    // whole here, else the head then StreamBody.
    boost::asio::awaitable<Attempt> SendRequest(RequestBodyReader& reader, std::string_view head, bool mayRetry,
                                                ConnectionFate& fate);

    // body_, then the rest from the client (after "100 Continue" if the client
    // waits for it), a chunk at a time, framed as `chunked` says.
    boost::asio::awaitable<BodyOutcome> StreamBody(RequestBodyReader& reader, bool chunked,
                                                   boost::system::error_code& error);

    // "100 Continue" once, when the client waits for it.
    boost::asio::awaitable<boost::system::error_code> LetClientSend();

    boost::asio::awaitable<Attempt> RelayResponse(bool mayRetry, ConnectionFate& fate);

    // The rest of a body of `length` bytes, at most the chunk's size, read into
    // the chunk after the bytes that came with Orthanc's head.
    boost::asio::awaitable<PumpResult> ReadSmallBody(std::size_t length);

    // Through the throttle: a temporary file that could not be made or written.
    void WarnOfTemporaryFileFailure(const ResponseSpool& spool) const;

    // 502/504 (or 400, 431) written by the gateway, with the policy's headers.
    boost::asio::awaitable<ConnectionFate> AnswerError(int status, const std::string& details);

    boost::asio::awaitable<ConnectionFate> AnswerUpstreamFailure(const boost::system::error_code& error,
                                                                 const std::string& what);

    const GatewayContext& context_;
    ClientSide client_;
    UpstreamConnection& upstream_;
    const std::shared_ptr<const CorsDecision> decision_;
    std::vector<char>& chunk_;
    const bool& closing_;

    const bool head_;
    const bool idempotent_;
    const bool expectsContinue_;
    const HttpHeaders upstreamHeaders_;   // the request's fields as relayed (framing fields aside)

    BodyState bodyState_ = BodyState::Unread;
    boost::container::vector<char> body_;   // what BufferBody() read, sent before any streamed rest
    std::uint64_t bodyBytesSent_ = 0;       // to Orthanc, in this attempt
    bool continueSent_ = false;
  };

  // GET, HEAD, OPTIONS, PUT, DELETE, TRACE (RFC 9110, 9.2.2): safe to send twice.
  bool IsIdempotentMethod(std::string_view method);
}
