#pragma once

#include "AnyStream.h"
#include "BodyPump.h"
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
#include <boost/beast/http/serializer.hpp>

#include <optional>
#include <vector>

namespace OrthancCors
{
  class RequestBodyReader;

  // One request relayed to Orthanc and its answer relayed back; the policy's
  // headers are merged into the answer whatever its status. A request body up to
  // Cors.Gateway.RequestBodyBufferSize is read whole before Orthanc is contacted
  // (so that a slow client never holds one of Orthanc's HTTP threads) and sent
  // with a Content-Length; a larger one, and every response body, is streamed
  // through one bounded chunk. Handles Expect: 100-continue, interim 1xx
  // answers, HEAD, a stale pooled connection (one retry for an idempotent request
  // whose body is buffered or was not sent), 502 and 504 with the policy's headers.
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
          const CorsDecision& decision,
          std::vector<char>& chunk,
          const bool& closing);

    boost::asio::awaitable<ConnectionFate> Run();

  private:
    enum class BodyOutcome
    {
      Sent,
      ClientGone,        // the client closed or stalled: nobody to answer
      ClientMalformed,   // invalid chunked framing...: 400
      UpstreamFailed     // Orthanc closed or stalled while receiving the body
    };

    enum class ResponseOutcome
    {
      Relayed,
      Failed,            // a local error answer was attempted (or nobody to answer)
      RetryOnFreshConnection
    };

    enum class RequestOutcome
    {
      Sent,
      Failed,            // answered (or nobody to answer): the relay ends with `fate`
      RetryOnFreshConnection
    };

    // The request whose body is not whole here, for Beast's serializer.
    boost::beast::http::request<boost::beast::http::buffer_body> BuildUpstreamRequest() const;

    // The Content-Length of the request to Orthanc whose body is not chunked:
    // `bodyLength`, or 0 for a POST, PUT or PATCH without a body, else none.
    std::optional<std::uint64_t> UpstreamContentLength(std::optional<std::uint64_t> bodyLength) const;

    // The request whose body is whole here (bodyBuffered_, most have none): head
    // and body serialized here, in one write.
    boost::asio::awaitable<boost::system::error_code> SendWholeRequest();

    // The request whose body streams: its head through Beast's serializer, then
    // SendBody.
    boost::asio::awaitable<RequestOutcome> StreamRequest(RequestBodyReader& reader, bool mayRetry,
                                                         ConnectionFate& fate);

    // Reads a body of known length up to RequestBodyBufferSize (the first
    // RequestBodyBufferSize bytes of a larger one), or the first
    // RequestBodyBufferSize + 1 bytes of a chunked one, into body_, all within one
    // IdleTimeout; sets bodyBuffered_ when the whole body is there. Never
    // UpstreamFailed. The body is read through `reader` (as in SendBody): one
    // reader for the whole body, so that the chunked framing limits count it all.
    // (Not PumpBody: this reads into a growing buffer, with one deadline for all.)
    boost::asio::awaitable<BodyOutcome> BufferBody(RequestBodyReader& reader, boost::system::error_code& error);

    // The buffered part of the body, then the rest from the client (after
    // "100 Continue" if the client waits for it), through PumpBody.
    boost::asio::awaitable<BodyOutcome> SendBody(
      RequestBodyReader& reader,
      boost::beast::http::request<boost::beast::http::buffer_body>& request,
      boost::beast::http::request_serializer<boost::beast::http::buffer_body>& serializer,
      boost::system::error_code& error);

    boost::asio::awaitable<ResponseOutcome> RelayResponse(bool mayRetry, ConnectionFate& fate);

    // A response with a body of known length: its `head` (serialized here) written
    // with the body bytes that came with Orthanc's head, then the rest from
    // Orthanc's socket to the client's as it is, read into the chunk and written
    // from it, past Beast's parser and serializer, which copy every byte once more
    // (callgrind: 456,000 instructions less a 0.5 MiB retrieve). Chunked bodies
    // go through PumpBody.
    boost::asio::awaitable<PumpResult> CopyKnownLengthBody(std::string_view head, int status, std::uint64_t length);

    // 502/504 (or 400, 431) written by the gateway, with the policy's headers.
    boost::asio::awaitable<ConnectionFate> AnswerError(int status, const std::string& details);

    boost::asio::awaitable<ConnectionFate> AnswerUpstreamFailure(const boost::system::error_code& error,
                                                                 const std::string& what);

    const GatewayContext& context_;
    ClientSide client_;
    UpstreamConnection& upstream_;
    const CorsDecision& decision_;
    std::vector<char>& chunk_;
    const bool& closing_;

    const bool head_;
    const bool expectsContinue_;
    const HttpHeaders upstreamHeaders_;   // the request's fields as relayed (framing fields aside)
    bool continueSent_ = false;
    bool bodyStarted_ = false;
    boost::container::vector<char> body_;   // what BufferBody() read, sent before any streamed rest
    bool bodyBuffered_ = false;   // body_ is the whole body: it can be sent again
  };

  // GET, HEAD, OPTIONS, PUT, DELETE, TRACE (RFC 9110, 9.2.2): safe to send twice.
  bool IsIdempotentMethod(std::string_view method);
}
