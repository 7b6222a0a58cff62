// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Relay.h"

#include "MessageIo.h"
#include "RequestBodyReader.h"
#include "ResponseSpool.h"
#include "SpooledBody.h"
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
               std::shared_ptr<const CorsDecision> decision,
               std::vector<char>& chunk,
               const bool& closing) :
    context_(context),
    client_(client),
    upstream_(upstream),
    decision_(std::move(decision)),
    chunk_(chunk),
    closing_(closing),
    head_(client.parser.get().method() == http::verb::head),
    idempotent_(IsIdempotentMethod(AsStdView(client.parser.get().method_string()))),
    expectsContinue_(ExpectsContinue(client.parser, client.headers)),
    upstreamHeaders_(BuildUpstreamRequestHeaders(client.headers, client.forwarding))
  {
  }


  boost::asio::awaitable<ConnectionFate> Relay::Run()
  {
    const auto& received = client_.parser.get();
    if (const auto excess = CheckOrthancHeadLimits(received.method_string(), received.target(), upstreamHeaders_))
    {
      // Answered here rather than by Orthanc, which would refuse it (or drop fields) less readably.
      co_return co_await AnswerError(431, *excess);
    }

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

    // The head is the same for every attempt: refused before any connection is taken.
    const std::optional<std::string> head = SerializeRequestHead(AsStdView(received.method_string()),
                                                                 AsStdView(received.target()),
                                                                 upstreamHeaders_, UpstreamFraming());
    if (!head)
    {
      co_return co_await AnswerError(400, "the request has a field, method or target that cannot be relayed as it is");
    }

    for (unsigned int attempt = 0; ; ++attempt)
    {
      bool reused = false;
      if (error_code error = co_await upstream_.Acquire(reused))
      {
        co_return co_await AnswerUpstreamFailure(error, "cannot connect to Orthanc at " + upstream_.Describe());
      }
      bodyBytesSent_ = 0;

      ConnectionFate fate = ConnectionFate::Close;
      Attempt step = co_await SendRequest(reader, *head, MayRetry(reused, attempt), fate);
      if (step == Attempt::Sent)
      {
        step = co_await RelayResponse(MayRetry(reused, attempt), fate);
      }
      if (step == Attempt::RetryOnFreshConnection)
      {
        upstream_.Close();
        continue;
      }
      co_return fate;
    }
  }


  bool Relay::MayRetry(bool reused, unsigned int attempt) const
  {
    if (!reused || attempt > 0 || !idempotent_ || closing_)
    {
      return false;
    }
    switch (bodyState_)
    {
      case BodyState::None:
      case BodyState::Whole:
        return true;
      case BodyState::Started:
      case BodyState::Unread:
        return bodyBytesSent_ == 0;   // nothing taken from the client is lost yet
    }
    return false;
  }


  BodyFraming Relay::UpstreamFraming() const
  {
    // Orthanc 1.10.1 accepts chunked uploads (measured on /instances and STOW-RS);
    // a chunked body whole here is sent with its length. Without a length,
    // Orthanc would read a POST body until the connection closes.
    const RequestParser& parser = client_.parser;
    const http::verb method = parser.get().method();
    if (bodyState_ == BodyState::Started || bodyState_ == BodyState::Unread)
    {
      return parser.chunked() ? BodyFraming::Chunked() : BodyFraming::Length(*parser.content_length());
    }
    if (bodyState_ == BodyState::Whole || parser.chunked() || parser.content_length() ||
        method == http::verb::post || method == http::verb::put || method == http::verb::patch)
    {
      return BodyFraming::Length(body_.size());
    }
    return BodyFraming::AsIs();
  }


  boost::asio::awaitable<Relay::Attempt> Relay::SendRequest(RequestBodyReader& reader, std::string_view head,
                                                            bool mayRetry, ConnectionFate& fate)
  {
    const bool whole = bodyState_ == BodyState::None || bodyState_ == BodyState::Whole;
    const bool chunked = !whole && client_.parser.chunked();

    error_code sendError;
    if (whole)
    {
      // The whole request is here (most have no body): one write.
      sendError = co_await MessageIo::WriteRequest(upstream_.Stream(), context_.upstreamTimeout, head,
                                                   boost::asio::buffer(body_.data(), body_.size()));
      bodyBytesSent_ = sendError ? 0 : body_.size();
    }
    else
    {
      sendError = co_await MessageIo::WriteRequest(upstream_.Stream(), context_.upstreamTimeout, head,
                                                   boost::asio::const_buffer());
    }
    if (sendError)
    {
      upstream_.Close();
      if (mayRetry && IsPeerGone(sendError))
      {
        co_return Attempt::RetryOnFreshConnection;
      }
      fate = co_await AnswerUpstreamFailure(sendError, "cannot send the request to Orthanc");
      co_return Attempt::Done;
    }

    if (!whole)
    {
      error_code bodyError;
      switch (co_await StreamBody(reader, chunked, bodyError))
      {
        case BodyOutcome::Sent:
          break;
        case BodyOutcome::ClientGone:
          upstream_.Close();
          fate = ConnectionFate::Close;
          co_return Attempt::Done;
        case BodyOutcome::ClientMalformed:
          upstream_.Close();
          fate = co_await AnswerError(400, "malformed request body: " + bodyError.message());
          co_return Attempt::Done;
        case BodyOutcome::UpstreamFailed:
          // (Never retried: the body was streamed, not kept.)
          upstream_.Close();
          fate = co_await AnswerUpstreamFailure(bodyError, "cannot send the request body to Orthanc");
          co_return Attempt::Done;
      }
    }
    co_return Attempt::Sent;
  }


  boost::asio::awaitable<error_code> Relay::LetClientSend()
  {
    if (!expectsContinue_ || continueSent_ || client_.parser.is_done())
    {
      co_return error_code();
    }
    continueSent_ = true;
    co_return co_await MessageIo::WriteContinue(client_.stream, context_.idleTimeout);
  }


  boost::asio::awaitable<Relay::BodyOutcome> Relay::BufferBody(RequestBodyReader& reader, error_code& error)
  {
    RequestParser& parser = client_.parser;
    const std::size_t bound = context_.configuration->gateway.requestBodyBufferSize;
    const auto length = parser.content_length();
    if (parser.is_done())
    {
      bodyState_ = BodyState::None;
      co_return BodyOutcome::Sent;
    }
    if (bound == 0)
    {
      bodyState_ = BodyState::Unread;   // streamed once Orthanc is reachable
      co_return BodyOutcome::Sent;
    }

    // The gateway takes the body itself: no need to wait for Orthanc.
    if ((error = co_await LetClientSend()))
    {
      co_return BodyOutcome::ClientGone;
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
    bodyState_ = parser.is_done() ? BodyState::Whole : BodyState::Started;
    co_return BodyOutcome::Sent;
  }


  boost::asio::awaitable<Relay::BodyOutcome> Relay::StreamBody(RequestBodyReader& reader, bool chunked,
                                                               error_code& error)
  {
    RequestParser& parser = client_.parser;

    // Orthanc is reachable and has the header: now the client may send.
    if ((error = co_await LetClientSend()))
    {
      co_return BodyOutcome::ClientGone;
    }

    // body_ first (the part BufferBody read), then a chunk at a time; the last
    // write ends a chunked body.
    std::span<const char> piece(body_.data(), body_.size());
    for (;;)
    {
      const bool last = parser.is_done();
      if (!piece.empty() || last)
      {
        auto [writeError, written] = co_await MessageIo::WriteFramedPiece(
          upstream_.Stream(), context_.upstreamTimeout, std::string_view(), piece, chunked, last);
        if (writeError)
        {
          error = writeError;
          co_return closing_ ? BodyOutcome::ClientGone : BodyOutcome::UpstreamFailed;
        }
        bodyBytesSent_ += piece.size();
      }
      if (last)
      {
        co_return BodyOutcome::Sent;
      }

      parser.get().body().data = chunk_.data();
      parser.get().body().size = chunk_.size();
      client_.stream.Tcp().expires_after(context_.idleTimeout);
      auto [readError, readBytes] = co_await reader.ReadSome(client_.stream, client_.buffer);
      client_.stream.Tcp().expires_never();
      if (readError == http::error::need_buffer)
      {
        readError = {};   // the chunk is full: it is written above
      }
      if (readError)
      {
        error = readError;
        co_return IsClientGone(readError) || closing_ ? BodyOutcome::ClientGone : BodyOutcome::ClientMalformed;
      }
      piece = std::span<const char>(chunk_.data(), chunk_.size() - parser.get().body().size);
    }
  }


  boost::asio::awaitable<Relay::Attempt> Relay::RelayResponse(bool mayRetry, ConnectionFate& fate)
  {
    std::optional<ResponseParser> parser;

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
        if (mayRetry && IsPeerGone(error))
        {
          co_return Attempt::RetryOnFreshConnection;
        }
        upstream_.Close();
        fate = co_await AnswerUpstreamFailure(error, "no response from Orthanc");
        co_return Attempt::Done;
      }

      const unsigned int status = parser->get().result_int();
      if (status == 101)
      {
        upstream_.Close();
        fate = co_await AnswerError(502, "Orthanc switched protocols, which the gateway does not relay");
        co_return Attempt::Done;
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
    ApplyCorsHeaders(headers, *decision_);

    const unsigned int version = client_.parser.get().version();
    bool keepAlive = ClientMayKeepAlive(client_.parser, closing_);
    const bool bodyless = head_ || status == 204 || status == 304;
    const auto length = bodyless ? boost::none : parser->content_length();

    // How the body reaches the client: with its length, re-framed in chunks, or
    // (HTTP/1.0) until the connection closes.
    BodyFraming framing = BodyFraming::AsIs();
    ClientFraming clientFraming = ClientFraming::Length;
    if (length)
    {
      RemoveAll(headers, "Content-Length");   // written from the parsed length
      framing = BodyFraming::Length(*length);
    }
    else if (!bodyless && version >= 11)
    {
      framing = BodyFraming::Chunked();
      clientFraming = ClientFraming::Chunked;
    }
    else if (!bodyless)
    {
      keepAlive = false;   // an HTTP/1.0 client reads the body until the connection closes
      clientFraming = ClientFraming::UntilClose;
    }

    const std::optional<std::string> head = SerializeResponseHead(version, static_cast<int>(status), headers,
                                                                  framing, keepAlive,
                                                                  AsStdView(upstreamResponse.reason()));
    if (!head)
    {
      upstream_.Close();
      fate = co_await AnswerError(502, "Orthanc's answer has a field or reason that cannot be relayed as it is");
      co_return Attempt::Done;
    }
    // Orthanc's connection is given back as soon as its answer is read, before
    // the client has all of it.
    bool released = false;
    const auto releaseUpstream = [&]
    {
      released = true;
      upstream_.Release(parser->keep_alive(), keepAliveField);
    };

    PumpResult pumped;
    const std::size_t early = upstream_.Buffer().size();
    if (bodyless || (length && early >= *length))
    {
      // No body, or all of it came with the head (most of Orthanc's answers): one write.
      // (Orthanc has sent it all: its thread is free already.)
      const std::size_t bodySize = bodyless ? 0 : static_cast<std::size_t>(*length);
      upstream_.Stream().Tcp().expires_never();
      context_.metrics.CountRelayedStatus(status);
      pumped.headWritten = true;
      if (const error_code error = co_await MessageIo::WriteSerializedResponse(
            client_.stream, context_.idleTimeout, static_cast<int>(status), *head,
            std::string_view(static_cast<const char*>(upstream_.Buffer().data().data()), bodySize)))
      {
        pumped.outcome = PumpResult::Outcome::WriteFailed;
        pumped.error = error;
      }
      // Orthanc's exchange is complete whatever the client did.
      upstream_.Buffer().consume(bodySize);
      releaseUpstream();
    }
    else if (length && *length <= chunk_.size())
    {
      // A body that fits the connection's chunk (QIDO and metadata answers, most
      // of them): read whole at Orthanc's pace, then written with the head at once.
      pumped = co_await ReadSmallBody(static_cast<std::size_t>(*length));
      if (pumped.outcome == PumpResult::Outcome::Done)
      {
        releaseUpstream();
        context_.metrics.CountRelayedStatus(status);
        pumped.headWritten = true;
        if (const error_code error = co_await MessageIo::WriteSerializedResponse(
              client_.stream, context_.idleTimeout, static_cast<int>(status), *head,
              std::string_view(chunk_.data(), static_cast<std::size_t>(*length))))
        {
          pumped.outcome = PumpResult::Outcome::WriteFailed;
          pumped.error = error;
        }
      }
    }
    else
    {
      // (Not a conditional expression among co_await's arguments: there GCC 12
      // dereferenced the empty length of a chunked answer, as a Debug build's
      // assertion showed.)
      std::optional<std::uint64_t> bodyLength;
      if (length)
      {
        bodyLength = *length;
      }
      ResponseSpool spool(context_.responseSpool, context_.temporaryFiles);
      pumped = co_await RelaySpooledBody(
        SpooledBodyEnds{BodyEnd{upstream_.Stream(), context_.upstreamTimeout}, upstream_.Buffer(), *parser,
                        BodyEnd{client_.stream, context_.idleTimeout}},
        spool, *head, static_cast<int>(status), bodyLength, clientFraming,
        SpoolCounters{context_.metrics.responsesSpilled, context_.metrics.responsesUnbuffered}, releaseUpstream);
      WarnOfTemporaryFileFailure(spool);
      if (pumped.headWritten)
      {
        context_.metrics.CountRelayedStatus(status);
      }
    }

    if (pumped.outcome == PumpResult::Outcome::ReadFailed && !pumped.headWritten)
    {
      // Orthanc failed before the first byte of its body: nothing is sent yet,
      // the client gets a readable 502 (or 504) instead of a closed connection.
      if (!released)
      {
        upstream_.Close();
      }
      fate = co_await AnswerUpstreamFailure(pumped.error, "the response of Orthanc was cut before its body");
      co_return Attempt::Done;
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
      if (!released)
      {
        upstream_.Close();
      }
      fate = ConnectionFate::Close;
      co_return Attempt::Done;
    }
    fate = keepAlive ? ConnectionFate::KeepAlive : ConnectionFate::Close;
    co_return Attempt::Done;
  }


  boost::asio::awaitable<PumpResult> Relay::ReadSmallBody(std::size_t length)
  {
    PumpResult result;
    boost::beast::flat_buffer& early = upstream_.Buffer();
    std::size_t filled = boost::asio::buffer_copy(boost::asio::buffer(chunk_.data(), length), early.data());
    early.consume(filled);
    while (filled < length)
    {
      upstream_.Stream().Tcp().expires_after(context_.upstreamTimeout);
      auto [error, read] = co_await MessageIo::ReadSome(upstream_.Stream(),
                                                        boost::asio::buffer(chunk_.data() + filled, length - filled));
      filled += read;
      if (error)
      {
        result.outcome = PumpResult::Outcome::ReadFailed;
        result.error = error;   // end of stream included: the body is cut short
        break;
      }
    }
    upstream_.Stream().Tcp().expires_never();
    co_return result;
  }


  void Relay::WarnOfTemporaryFileFailure(const ResponseSpool& spool) const
  {
    if (!spool.FileFailure().empty())
    {
      context_.WarnUpstreamFailure("an answer's temporary file in " +
                                   ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::RESPONSE_TEMPORARY_FOLDER) +
                                   " failed (" + spool.FileFailure() + ")" +
                                   (spool.Failed() ? ": the answer was cut" : ": the answer went on at its client's pace"));
    }
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
    ApplyCorsHeaders(answer.headers, *decision_);
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
