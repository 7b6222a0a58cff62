#include "Relay.h"

#include "BodyPump.h"
#include "MessageIo.h"
#include "RequestBodyReader.h"
#include "../Protocol/ErrorResponses.h"
#include "../Protocol/HeaderSection.h"
#include "../Protocol/UpstreamLimits.h"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <optional>

namespace OrthancCors
{
  namespace http = boost::beast::http;
  using boost::system::error_code;

  namespace
  {
    // Orthanc's HTTP server answers in a few hundred bytes of header.
    constexpr std::uint32_t UPSTREAM_HEADER_LIMIT = 1024 * 1024;

    bool IsPeerGone(const error_code& error)
    {
      return error == http::error::end_of_stream ||
        error == boost::asio::error::eof ||
        error == boost::asio::error::connection_reset ||
        error == boost::asio::error::broken_pipe ||
        error == boost::asio::ssl::error::stream_truncated;
    }

    bool IsTimeout(const error_code& error)
    {
      return error == boost::beast::error::timeout;
    }

    // The client went away or stopped sending, as opposed to sending nonsense.
    bool IsClientGone(const error_code& error)
    {
      return IsPeerGone(error) || IsTimeout(error) ||
        error == http::error::partial_message ||
        error == boost::asio::error::operation_aborted ||
        error == boost::asio::error::bad_descriptor;
    }

    using MessageIo::AsStdView;

    bool ExpectsContinue(const RequestParser& parser, const HttpHeaders& headers)
    {
      return parser.get().version() >= 11 && !GetAll(headers, "Expect").empty();
    }
  }


  bool IsIdempotentMethod(std::string_view method)
  {
    return method == "GET" || method == "HEAD" || method == "OPTIONS" ||
      method == "PUT" || method == "DELETE" || method == "TRACE";
  }


  Relay::Relay(const GatewayContext& context,
               ClientSide client,
               UpstreamConnection& upstream,
               const CorsDecision& decision,
               std::vector<char>& chunk,
               const bool& closing) :
    context_(context),
    client_(client),
    upstream_(upstream),
    decision_(decision),
    chunk_(chunk),
    closing_(closing),
    head_(client.parser.get().method() == http::verb::head),
    expectsContinue_(ExpectsContinue(client.parser, client.headers)),
    upstreamHeaders_(BuildUpstreamRequestHeaders(client.headers, client.forwarding))
  {
  }


  http::request<http::buffer_body> Relay::BuildUpstreamRequest() const
  {
    const auto& received = client_.parser.get();

    http::request<http::buffer_body> request;
    request.method_string(received.method_string());
    request.target(received.target());
    request.version(11);   // keep-alive towards Orthanc whatever the client speaks
    MessageIo::InsertFields(request, upstreamHeaders_);

    if (client_.parser.chunked())
    {
      // Orthanc 1.10.1 accepts chunked uploads (measured on /instances and STOW-RS).
      request.chunked(true);
    }
    else if (const auto length = UpstreamContentLength(
               client_.parser.content_length() ? std::optional<std::uint64_t>(*client_.parser.content_length())
                                               : std::nullopt))
    {
      request.content_length(*length);
    }
    request.keep_alive(true);
    return request;
  }


  boost::asio::awaitable<ConnectionFate> Relay::Run()
  {
    const auto& received = client_.parser.get();
    if (const auto excess = CheckOrthancHeadLimits(received.method_string(), received.target(), upstreamHeaders_))
    {
      // Answered here rather than by Orthanc, which would refuse it (or drop fields) less readably.
      co_return co_await AnswerError(431, *excess);
    }

    const bool idempotent = IsIdempotentMethod(received.method_string());
    RequestBodyReader reader(client_.parser, GetChunkedFramingLimits(
      MeasureRequestHead(received.method_string(), received.target(), client_.headers)));

    // Beast reads into a flat_buffer no more than its spare capacity (512 bytes at
    // least): left at the few hundred bytes a header needed, every body would be
    // relayed 512 bytes per system call (measured: 0.05x nginx on a 0.5 MiB retrieve).
    upstream_.Buffer().reserve(MessageIo::CHUNK_SIZE);
    client_.buffer.reserve(MessageIo::CHUNK_SIZE);

    // Before any upstream connection is taken: a client that is slow to send its
    // body holds a place on the gateway, never one of Orthanc's HTTP threads.
    error_code bufferError;
    switch (co_await BufferBody(reader, bufferError))
    {
      case BodyOutcome::Sent:
      case BodyOutcome::UpstreamFailed:
        break;
      case BodyOutcome::ClientGone:
        co_return ConnectionFate::Close;
      case BodyOutcome::ClientMalformed:
        co_return co_await AnswerError(400, "malformed request body: " + bufferError.message());
    }

    for (unsigned int attempt = 0; ; ++attempt)
    {
      bool reused = false;
      if (error_code error = co_await upstream_.Acquire(reused))
      {
        co_return co_await AnswerUpstreamFailure(error, "cannot connect to Orthanc at " + upstream_.Describe());
      }
      const bool mayRetry = reused && attempt == 0 && idempotent;

      if (bodyBuffered_)
      {
        // The whole request is here (most have no body): its head serialized
        // here, written with the body in one write, without Beast's serializer.
        if (const error_code sendError = co_await SendWholeRequest())
        {
          upstream_.Close();
          if (mayRetry && !closing_ && IsPeerGone(sendError))
          {
            continue;
          }
          co_return co_await AnswerUpstreamFailure(sendError, "cannot send the request to Orthanc");
        }
        bodyStarted_ = bodyStarted_ || !body_.empty();
      }
      else
      {
        ConnectionFate failedFate = ConnectionFate::Close;
        const RequestOutcome sent = co_await StreamRequest(reader, mayRetry, failedFate);
        if (sent == RequestOutcome::RetryOnFreshConnection)
        {
          continue;
        }
        if (sent == RequestOutcome::Failed)
        {
          co_return failedFate;
        }
      }

      ConnectionFate fate = ConnectionFate::Close;
      switch (co_await RelayResponse(mayRetry && (bodyBuffered_ || !bodyStarted_), fate))
      {
        case ResponseOutcome::RetryOnFreshConnection:
          upstream_.Close();
          continue;
        case ResponseOutcome::Relayed:
        case ResponseOutcome::Failed:
          co_return fate;
      }
    }
  }

  std::optional<std::uint64_t> Relay::UpstreamContentLength(std::optional<std::uint64_t> bodyLength) const
  {
    if (bodyLength)
    {
      return bodyLength;
    }
    const http::verb method = client_.parser.get().method();
    if (method == http::verb::post || method == http::verb::put || method == http::verb::patch)
    {
      return 0;   // without a length, Orthanc would read a POST body until the connection closes
    }
    return std::nullopt;
  }


  boost::asio::awaitable<error_code> Relay::SendWholeRequest()
  {
    const auto& received = client_.parser.get();
    // (A chunked body, whole here, is sent with its length.)
    const bool framed = client_.parser.chunked() || client_.parser.content_length();
    const std::optional<std::uint64_t> contentLength =
      UpstreamContentLength(framed ? std::optional<std::uint64_t>(body_.size()) : std::nullopt);
    const std::string head = MessageIo::SerializeRequestHead(AsStdView(received.method_string()),
                                                             AsStdView(received.target()),
                                                             upstreamHeaders_, contentLength);
    co_return co_await MessageIo::WriteRequest(upstream_.Stream(), context_.upstreamTimeout, head,
                                               boost::asio::buffer(body_.data(), body_.size()));
  }


  boost::asio::awaitable<Relay::RequestOutcome> Relay::StreamRequest(RequestBodyReader& reader, bool mayRetry,
                                                                     ConnectionFate& fate)
  {
    http::request<http::buffer_body> request = BuildUpstreamRequest();
    http::request_serializer<http::buffer_body> serializer(request);

    upstream_.Stream().Tcp().expires_after(context_.upstreamTimeout);
    auto [headerError, headerBytes] = co_await MessageIo::WriteHeader(upstream_.Stream(), serializer);
    if (headerError)
    {
      upstream_.Close();
      if (mayRetry && !closing_ && IsPeerGone(headerError))
      {
        co_return RequestOutcome::RetryOnFreshConnection;
      }
      fate = co_await AnswerUpstreamFailure(headerError, "cannot send the request to Orthanc");
      co_return RequestOutcome::Failed;
    }

    error_code bodyError;
    switch (co_await SendBody(reader, request, serializer, bodyError))
    {
      case BodyOutcome::Sent:
        co_return RequestOutcome::Sent;
      case BodyOutcome::ClientGone:
        upstream_.Close();
        fate = ConnectionFate::Close;
        co_return RequestOutcome::Failed;
      case BodyOutcome::ClientMalformed:
        upstream_.Close();
        fate = co_await AnswerError(400, "malformed request body: " + bodyError.message());
        co_return RequestOutcome::Failed;
      case BodyOutcome::UpstreamFailed:
        break;
    }
    // (Never retried: the body was streamed, not kept.)
    upstream_.Close();
    fate = co_await AnswerUpstreamFailure(bodyError, "cannot send the request body to Orthanc");
    co_return RequestOutcome::Failed;
  }


  boost::asio::awaitable<Relay::BodyOutcome> Relay::BufferBody(RequestBodyReader& reader, error_code& error)
  {
    RequestParser& parser = client_.parser;
    const std::size_t bound = context_.configuration->gateway.requestBodyBufferSize;
    const auto length = parser.content_length();
    if (parser.is_done())
    {
      bodyBuffered_ = true;   // no body at all
      co_return BodyOutcome::Sent;
    }
    if (bound == 0)
    {
      co_return BodyOutcome::Sent;   // streamed once Orthanc is reachable
    }

    if (expectsContinue_ && !continueSent_)
    {
      // The gateway takes the body itself: no need to wait for Orthanc.
      continueSent_ = true;
      if ((error = co_await MessageIo::WriteContinue(client_.stream, context_.idleTimeout)))
      {
        co_return BodyOutcome::ClientGone;
      }
    }

    // A chunked body one byte over the bound is known to be larger: it streams.
    // So does the rest of a larger body, once its first `bound` bytes are here:
    // announcing a large Content-Length does not reach Orthanc any sooner.
    const std::size_t limit = length ? static_cast<std::size_t>(std::min<std::uint64_t>(*length, bound)) : bound + 1;
    std::size_t filled = 0;

    // One deadline for the whole body, not one per read: a byte every few seconds
    // would otherwise hold the connection for ever.
    client_.stream.Tcp().expires_after(context_.idleTimeout);
    while (!parser.is_done() && filled < limit)
    {
      if (filled == body_.size())
      {
        // Grown as bytes arrive, not as announced: a client announcing 1 MiB and
        // sending a few bytes costs one 64 KiB step, and one sending N bytes holds
        // at most 2N. Not zeroed: the parser writes every byte kept.
        const std::size_t grown = std::min(limit, std::max(MessageIo::CHUNK_SIZE, 2 * body_.size()));
        body_.reserve(grown);   // exactly: resize() alone may allocate twice the bound
        body_.resize(grown, boost::container::default_init);
      }
      parser.get().body().data = body_.data() + filled;
      parser.get().body().size = body_.size() - filled;
      auto [readError, readBytes] = co_await reader.ReadSome(client_.stream, client_.buffer);
      if (readError == http::error::need_buffer)
      {
        readError = {};
      }
      filled = body_.size() - parser.get().body().size;
      if (readError)
      {
        error = readError;
        co_return IsClientGone(readError) || closing_ ? BodyOutcome::ClientGone : BodyOutcome::ClientMalformed;
      }
    }
    client_.stream.Tcp().expires_never();

    body_.resize(filled);
    bodyBuffered_ = parser.is_done();
    co_return BodyOutcome::Sent;
  }


  boost::asio::awaitable<Relay::BodyOutcome> Relay::SendBody(RequestBodyReader& reader,
                                                             http::request<http::buffer_body>& request,
                                                             http::request_serializer<http::buffer_body>& serializer,
                                                             error_code& error)
  {
    RequestParser& parser = client_.parser;
    if (expectsContinue_ && !continueSent_ && !parser.is_done())
    {
      // Orthanc is reachable and has the header: now the client may send.
      // (When part of the body is buffered, BufferBody() has sent it already.)
      continueSent_ = true;
      if ((error = co_await MessageIo::WriteContinue(client_.stream, context_.idleTimeout)))
      {
        co_return BodyOutcome::ClientGone;
      }
    }

    const PumpResult pumped = co_await PumpBody(
      BodyEnd{client_.stream, context_.idleTimeout}, parser,
      [&] { return reader.ReadSome(client_.stream, client_.buffer); },
      BodyEnd{upstream_.Stream(), context_.upstreamTimeout}, request, serializer, chunk_,
      std::span<char>(body_.data(), body_.size()));
    bodyStarted_ = bodyStarted_ || pumped.bodyBytes > 0;
    error = pumped.error;
    switch (pumped.outcome)
    {
      case PumpResult::Outcome::Done:
        co_return BodyOutcome::Sent;
      case PumpResult::Outcome::ReadFailed:
        co_return IsClientGone(error) || closing_ ? BodyOutcome::ClientGone : BodyOutcome::ClientMalformed;
      case PumpResult::Outcome::WriteFailed:
        break;
    }
    co_return closing_ ? BodyOutcome::ClientGone : BodyOutcome::UpstreamFailed;
  }


  boost::asio::awaitable<Relay::ResponseOutcome> Relay::RelayResponse(bool mayRetry, ConnectionFate& fate)
  {
    std::optional<http::response_parser<http::buffer_body>> parser;

    // Interim 1xx answers (Orthanc sends none, since Expect is not relayed) are skipped.
    for (;;)
    {
      parser.emplace();
      parser->body_limit(boost::none);
      parser->header_limit(UPSTREAM_HEADER_LIMIT);
      parser->skip(head_);

      upstream_.Stream().Tcp().expires_after(context_.upstreamTimeout);
      auto [error, bytes] = co_await MessageIo::ReadHeader(upstream_.Stream(), upstream_.Buffer(), *parser);
      if (error)
      {
        if (mayRetry && !closing_ && IsPeerGone(error))
        {
          co_return ResponseOutcome::RetryOnFreshConnection;
        }
        upstream_.Close();
        fate = co_await AnswerUpstreamFailure(error, "no response from Orthanc");
        co_return ResponseOutcome::Failed;
      }

      const unsigned int status = parser->get().result_int();
      if (status == 101)
      {
        upstream_.Close();
        fate = co_await AnswerError(502, "Orthanc switched protocols, which the gateway does not relay");
        co_return ResponseOutcome::Failed;
      }
      if (status >= 200)
      {
        break;
      }
    }

    auto& upstreamResponse = parser->get();
    const unsigned int status = upstreamResponse.result_int();
    const std::string keepAliveField(upstreamResponse[http::field::keep_alive]);

    HttpHeaders headers = BuildClientResponseHeaders(MessageIo::ToHttpHeaders(upstreamResponse));
    ApplyCorsHeaders(headers, decision_);

    const unsigned int version = client_.parser.get().version();
    bool keepAlive = ClientMayKeepAlive(client_.parser, closing_);
    const bool bodyless = head_ || status == 204 || status == 304;
    const auto length = bodyless ? boost::none : parser->content_length();
    if (!bodyless && !length && version < 11)
    {
      keepAlive = false;   // an HTTP/1.0 client reads the body until the connection closes
    }
    context_.metrics.CountRelayedStatus(status);

    PumpResult pumped;
    if (length)
    {
      // Most of Orthanc's answers: the head is serialized here and written with
      // the body bytes that came with Orthanc's, the rest copied as it arrives.
      RemoveAll(headers, "Content-Length");   // written from the parsed length
      const std::string head = MessageIo::SerializeResponseHead(version, static_cast<int>(status), headers, *length,
                                                                keepAlive, AsStdView(upstreamResponse.reason()));
      pumped = co_await CopyKnownLengthBody(head, static_cast<int>(status), *length);
    }
    else
    {
      // Chunked or closed-delimited bodies, and heads without a body: Beast
      // serializes (and re-frames) them.
      http::response<http::buffer_body> response;
      response.version(version);
      response.result(status);
      response.reason(upstreamResponse.reason());
      MessageIo::InsertFields(response, headers);
      if (!bodyless && version >= 11)
      {
        response.chunked(true);
      }
      response.keep_alive(keepAlive);

      http::response_serializer<http::buffer_body> serializer(response);
      client_.stream.Tcp().expires_after(context_.idleTimeout);
      auto [headerError, headerBytes] = co_await MessageIo::WriteHeader(client_.stream, serializer);
      if (headerError)
      {
        pumped.outcome = PumpResult::Outcome::WriteFailed;
        pumped.error = headerError;
      }
      else if (bodyless)
      {
        // (As PumpBody does at a body's end: an armed deadline would fail the
        // next operation on the connection, kept open.)
        upstream_.Stream().Tcp().expires_never();
        client_.stream.Tcp().expires_never();
      }
      else
      {
        pumped = co_await PumpBody(
          BodyEnd{upstream_.Stream(), context_.upstreamTimeout}, *parser,
          [&] { return MessageIo::ReadSomeBody(upstream_.Stream(), upstream_.Buffer(), *parser); },
          BodyEnd{client_.stream, context_.idleTimeout}, response, serializer, chunk_, {});
      }
    }
    // From here on the status is sent (or the client is gone): a failure can only
    // cut the connection.
    if (pumped.outcome != PumpResult::Outcome::Done)
    {
      if (pumped.outcome == PumpResult::Outcome::ReadFailed && !closing_)
      {
        context_.WarnUpstreamFailure("the response of Orthanc at " + upstream_.Describe() + " was cut (" +
                                     pumped.error.message() + "); closing the client connection");
      }
      upstream_.Close();
      fate = ConnectionFate::Close;
      co_return ResponseOutcome::Failed;
    }

    // (A body of known length is read past the parser, which never learns it is done.)
    upstream_.Release((length || parser->is_done()) && parser->keep_alive(), keepAliveField);
    fate = keepAlive ? ConnectionFate::KeepAlive : ConnectionFate::Close;
    co_return ResponseOutcome::Relayed;
  }


  boost::asio::awaitable<PumpResult> Relay::CopyKnownLengthBody(std::string_view head, int status, std::uint64_t length)
  {
    PumpResult result;
    boost::beast::flat_buffer& readWithHeader = upstream_.Buffer();

    // The head, with what of the body came with Orthanc's head: one write.
    const std::size_t early = static_cast<std::size_t>(std::min<uint64_t>(readWithHeader.size(), length));
    if (const error_code headError = co_await MessageIo::WriteSerializedResponse(
          client_.stream, context_.idleTimeout, status, head,
          std::string_view(static_cast<const char*>(readWithHeader.data().data()), early)))
    {
      result.outcome = PumpResult::Outcome::WriteFailed;
      result.error = headError;
      co_return result;
    }
    readWithHeader.consume(early);
    result.bodyBytes = early;

    // Never more than the body from Orthanc's socket: what follows is its next response's.
    for (uint64_t remaining = length - early; remaining > 0; )
    {
      const std::size_t wanted = static_cast<std::size_t>(std::min<uint64_t>(chunk_.size(), remaining));
      upstream_.Stream().Tcp().expires_after(context_.upstreamTimeout);
      auto [readError, read] = co_await MessageIo::ReadSome(upstream_.Stream(), boost::asio::buffer(chunk_.data(), wanted));
      if (readError)
      {
        result.outcome = PumpResult::Outcome::ReadFailed;
        result.error = readError;   // end of stream included: the body is cut short
        co_return result;
      }
      if (const error_code writeError = co_await MessageIo::WriteBody(client_.stream, context_.idleTimeout,
                                                                      boost::asio::buffer(chunk_.data(), read)))
      {
        result.outcome = PumpResult::Outcome::WriteFailed;
        result.error = writeError;
        co_return result;
      }
      remaining -= read;
      result.bodyBytes += read;
    }
    upstream_.Stream().Tcp().expires_never();
    co_return result;
  }


  boost::asio::awaitable<ConnectionFate> Relay::AnswerError(int status, const std::string& details)
  {
    if (status == 502)
    {
      context_.metrics.answered502.Add();
    }
    else if (status == 504)
    {
      context_.metrics.answered504.Add();
    }
    LocalResponse answer = MakeErrorResponse(status, details);
    ApplyCorsHeaders(answer.headers, decision_);
    co_return co_await AnswerClient(client_.stream, client_.parser, context_.idleTimeout, closing_,
                                    status, answer.headers, answer.body);
  }


  boost::asio::awaitable<ConnectionFate> Relay::AnswerUpstreamFailure(const error_code& error, const std::string& what)
  {
    if (closing_ || error == boost::asio::error::operation_aborted)
    {
      co_return ConnectionFate::Close;
    }

    const bool timeout = IsTimeout(error);
    const std::string details = what + ": " + context_.DescribeUpstreamError(error);
    context_.WarnUpstreamFailure(details + " (" + upstream_.Describe() + ")");
    co_return co_await AnswerError(timeout ? 504 : 502, details);
  }
}
