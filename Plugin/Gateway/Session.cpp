// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Session.h"

#include "ConnectionRefusal.h"
#include "FolderAccess.h"
#include "MessageIo.h"
#include "../Common/ClientAddress.h"
#include "../Folders/FolderServer.h"
#include "../Policy/CorsEvaluation.h"
#include "../Policy/FramePolicy.h"
#include "../Protocol/ErrorResponses.h"
#include "../Protocol/HeaderSection.h"
#include "../Protocol/ProxyProtocol.h"
#include "../Protocol/RequestValidation.h"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cctype>

namespace OrthancCors
{
  namespace http = boost::beast::http;
  using boost::system::error_code;

  namespace
  {
    // How long a closing connection waits for the client's TLS close_notify, or
    // reads what the client still sends (so that closing with unread bytes does
    // not reset the connection before the client has read our last answer).
    constexpr std::chrono::seconds LINGER_TIMEOUT{2};

    constexpr std::size_t READ_SIZE = 8 * 1024;

    // The access log keeps this much of a request line (a long query string).
    constexpr std::size_t MAX_LOGGED_REQUEST_LINE = 8 * 1024;

    // Preflight answers kept a connection: a browser's questions differ by path
    // only, wrk's not at all; a few variants (another request header) fit.
    constexpr std::size_t PREFLIGHT_ANSWERS_KEPT = 4;

    using MessageIo::AsStdView;

    // A request's field views kept for the next one; a request with more lets its
    // vector go, so that an idle connection does not hold it.
    constexpr std::size_t FIELD_VIEWS_KEPT = 64;

    boost::asio::ip::address GetRemoteAddress(const boost::asio::ip::tcp::socket& socket)
    {
      error_code error;
      const auto endpoint = socket.remote_endpoint(error);
      return error ? boost::asio::ip::address() : endpoint.address();
    }

    boost::asio::ip::tcp::endpoint GetLocalEndpoint(const boost::asio::ip::tcp::socket& socket)
    {
      error_code error;
      const auto endpoint = socket.local_endpoint(error);
      return error ? boost::asio::ip::tcp::endpoint() : endpoint;
    }

    // Whether the bytes received begin with a whole PROXY protocol header.
    bool BeginsWithProxyHeader(const boost::beast::flat_buffer& buffer)
    {
      const auto received = buffer.data();
      return ParseProxyHeader(std::string_view(static_cast<const char*>(received.data()), received.size())).status ==
        ProxyHeader::Status::Complete;
    }

    // Log lines quote what the client sent: keep them short.
    std::string Abbreviate(const std::vector<std::string>& values)
    {
      std::string text = values.empty() ? "(none)" : values.front();
      if (text.size() > 200)
      {
        text = text.substr(0, 200) + "...";
      }
      return text;
    }
  }


  Session::Session(const GatewayContext& context, boost::asio::ip::tcp::socket socket, bool fromTrustedProxy) :
    context_(context),
    executor_(socket.get_executor()),
    client_(AnyStream::Accepted(std::move(socket), context.serverTls ? context.serverTls->Current() : nullptr)),
    peerAddress_(Unmapped(GetRemoteAddress(client_.Tcp().socket()))),
    fromTrustedProxy_(fromTrustedProxy),
    proxiedAddress_(peerAddress_),
    clientAddress_(peerAddress_),
    localEndpoint_(GetLocalEndpoint(client_.Tcp().socket())),
    buffer_(MessageIo::CLIENT_BUFFER_LIMIT),
    fieldArena_(fieldArenaStorage_.data(), fieldArenaStorage_.size(), std::pmr::new_delete_resource()),
    upstream_(executor_, context),
    preflightAnswers_(PREFLIGHT_ANSWERS_KEPT)
  {
    error_code ignored;
    client_.Tcp().socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    context_.metrics.clientConnections.Increment();
  }


  Session::~Session()
  {
    context_.metrics.clientConnections.Decrement();
  }


  void Session::Adopt(ConnectionRegistry::Membership membership)
  {
    membership_.emplace(std::move(membership));
  }


  void Session::Close()
  {
    boost::asio::post(executor_, [weak = weak_from_this()]
    {
      if (auto self = weak.lock())
      {
        self->CloseNow();
      }
    });
  }


  void Session::CloseNow()
  {
    closing_ = true;
    client_.Tcp().close();   // pending operations end with operation_aborted
    upstream_.Cancel();
  }


  boost::asio::awaitable<void> Session::Run()
  {
    // One deadline for the TLS handshake and the whole first request header:
    // a connection that never sends a request is closed after
    // RequestHeaderTimeout, not held for IdleTimeout.
    client_.Tcp().expires_after(context_.requestHeaderTimeout);
    // (Plain statements around co_await: GCC 12 miscompiles some co_await
    // inside conditional expressions.)
    bool ready = true;
    if (fromTrustedProxy_)
    {
      ready = co_await ReadProxyHeader();
    }
    if (ready)
    {
      ready = co_await Handshake();
    }
    if (ready && clientOverLimit_)
    {
      // (Not reading its request, as a connection refused at once.)
      BeginRequest();
      co_await RefuseClientOverLimit(11);
      FinishRequest();
    }
    else if (ready)
    {
      for (bool newConnection = true; !closing_; newConnection = false)
      {
        ConnectionFate fate = ConnectionFate::Close;
        {
          RequestParser parser(std::piecewise_construct, std::make_tuple(),
                               std::make_tuple(RequestFieldAllocator(&fieldArena_)));
          parser.header_limit(static_cast<std::uint32_t>(MessageIo::HEADER_LIMIT + 1));
          parser.body_limit(boost::none);

          const HeaderRead read = co_await ReadHeader(parser, newConnection);
          if (read == HeaderRead::Refused)
          {
            context_.metrics.requestsMalformed.Add();
            FinishRequest();
          }
          if (read == HeaderRead::Ready)
          {
            fate = co_await Serve(parser);
            FinishRequest();
          }
        }
        ForgetRequestFields();
        if (fate != ConnectionFate::KeepAlive)
        {
          break;
        }
      }
    }
    CountTraffic();

    upstream_.Close();
    if (closing_)
    {
      client_.Tcp().close();
    }
    else
    {
      co_await MessageIo::Shutdown(client_, LINGER_TIMEOUT);
    }
  }


  boost::asio::awaitable<bool> Session::Handshake()
  {
    AnyStream::TlsStream* tls = client_.GetTls();
    if (tls == nullptr)
    {
      co_return true;
    }
    // (Within the deadline Run() set for the first request.)
    // The first bytes tell a TLS ClientHello (a handshake record, 0x16) from a
    // plain HTTP request (a method's letters); they stay in the buffer for the handshake.
    auto [detectError, isTls] = co_await boost::beast::async_detect_ssl(client_.Tcp(), buffer_, MessageIo::AS_TUPLE);
    if (detectError || closing_)
    {
      co_return false;
    }
    if (!isTls)
    {
      co_await AnswerPlainHttpOnTlsPort();
      co_return false;
    }

    auto [error, used] = co_await tls->async_handshake(boost::asio::ssl::stream_base::server, buffer_.data(),
                                                       MessageIo::AS_TUPLE);
    buffer_.consume(used);
    if (error && !closing_)
    {
      context_.metrics.tlsHandshakeFailures.Add();
    }
    co_return !error && !closing_;
  }


  boost::asio::awaitable<bool> Session::ReadProxyHeader()
  {
    // (Within the deadline Run() set for the first request.) What follows the
    // header (a TLS ClientHello, a request) stays in the buffer.
    for (;;)
    {
      const auto received = buffer_.data();
      const ProxyHeader header = ParseProxyHeader(std::string_view(static_cast<const char*>(received.data()),
                                                                   received.size()));
      switch (header.status)
      {
        case ProxyHeader::Status::Absent:
          co_return true;

        case ProxyHeader::Status::Malformed:
          context_.metrics.requestsMalformed.Add();
          context_.logger.Info("Cors gateway: closed a connection from the trusted proxy " + peerAddress_.to_string() +
                               ": its PROXY protocol header is " + header.error);
          co_return false;

        case ProxyHeader::Status::Complete:
          buffer_.consume(header.length);
          if (header.source)
          {
            proxiedAddress_ = Unmapped(*header.source);
            clientOverLimit_ = !CountForClient(proxiedAddress_);
          }
          co_return true;

        case ProxyHeader::Status::Incomplete:
          break;
      }
      auto [error, bytes] = co_await client_.Tcp().async_read_some(buffer_.prepare(READ_SIZE), MessageIo::AS_TUPLE);
      if (error || closing_)
      {
        co_return false;
      }
      buffer_.commit(bytes);
    }
  }


  bool Session::CountForClient(const boost::asio::ip::address& client)
  {
    if (client != clientAddress_)
    {
      clientAddress_ = client;
      clientAddressText_.clear();
    }
    return !membership_ || membership_->MoveTo(client) != ConnectionRegistry::Limit::MaxConnectionsPerClient;
  }


  boost::asio::awaitable<void> Session::RefuseClientOverLimit(unsigned int version)
  {
    context_.metrics.refused503.Add();
    // (Locals, not temporaries, among co_await's arguments: GCC 12 miscompiles some.)
    const std::string details = DescribeConnectionLimit(ConnectionRegistry::Limit::MaxConnectionsPerClient,
                                                        context_.configuration->gateway);
    const HttpHeaders retryAfter = {CONNECTION_LIMIT_RETRY_AFTER};
    co_await Refuse(version, 503, details, retryAfter);
  }


  boost::asio::awaitable<void> Session::AnswerPlainHttpOnTlsPort()
  {
    const auto received = buffer_.data();
    const std::string_view text(static_cast<const char*>(received.data()), received.size());
    const bool proxyHeader = BeginsWithProxyHeader(buffer_);
    if (!proxyHeader && (text.empty() || !std::isalpha(static_cast<unsigned char>(text.front()))))
    {
      context_.metrics.tlsHandshakeFailures.Add();
      client_.Tcp().close();   // neither TLS nor HTTP: nothing readable to answer
      co_return;
    }

    // What nginx answers, in plain HTTP (the client cannot read anything else),
    // then the connection closes. Counted and logged as a malformed request.
    BeginRequest();
    if (context_.accessLog != nullptr)
    {
      request_.requestLine = std::string(text.substr(0, std::min<std::size_t>(text.find_first_of("\r\n"),
                                                                              MAX_LOGGED_REQUEST_LINE)));
    }
    const LocalResponse answer = MakeErrorResponse(400, proxyHeader ? DescribeUntrustedProxyHeader() :
                                                   "The plain HTTP request was sent to HTTPS port");
    const std::string head = SerializeResponseHead(11, 400, answer.headers, BodyFraming::Length(answer.body.size()),
                                                   false).value();   // (the gateway's own fields)
    const std::string message = head + answer.body;
    client_.Tcp().expires_after(context_.idleTimeout);
    auto [error, written] = co_await boost::asio::async_write(client_.Tcp(), boost::asio::buffer(message),
                                                              MessageIo::AS_TUPLE);
    AnyStream::Traffic& traffic = client_.GetTraffic();
    traffic.bytesRead += text.size();
    traffic.bytesWritten += written;
    traffic.headBytesWritten += std::min(written, head.size());
    traffic.responses++;
    traffic.lastStatus = 400;
    context_.metrics.requestsMalformed.Add();
    FinishRequest();
    co_await MessageIo::LingeringClose(client_.Tcp(), LINGER_TIMEOUT);
  }


  boost::asio::awaitable<Session::HeaderRead> Session::ReadHeader(RequestParser& parser, bool newConnection)
  {
    // Deadlines for the whole header, not per read: a client sending its header
    // a byte at a time cannot hold the connection longer. A new connection runs
    // on the deadline Run() set; a keep-alive connection may wait IdleTimeout for
    // its next request, which must then complete within RequestHeaderTimeout.
    bool begun = newConnection || buffer_.size() > 0;
    if (!newConnection)
    {
      client_.Tcp().expires_after(begun ? context_.requestHeaderTimeout : context_.idleTimeout);
    }
    // The request's time runs from its first byte, not from the connection's
    // opening (a browser's preconnect may wait long before sending anything).
    bool started = buffer_.size() > 0;
    if (started)
    {
      BeginRequest();
    }
    HeaderSectionScanner scanner(MessageIo::HEADER_LIMIT);
    for (;;)
    {
      const auto received = buffer_.data();
      if (newConnection && !fromTrustedProxy_ && BeginsWithProxyHeader(buffer_))
      {
        co_await Refuse(11, 400, DescribeUntrustedProxyHeader(), {});
        co_return HeaderRead::Refused;
      }
      const HeaderSectionScan scan = scanner.Scan(
        std::string_view(static_cast<const char*>(received.data()), received.size()));

      if (scan.status != HeaderSectionScan::Status::Incomplete && context_.accessLog != nullptr)
      {
        // What the access log shows of the request, the request line as received.
        const std::string_view text(static_cast<const char*>(received.data()), received.size());
        const std::string_view section = text.substr(std::min(scan.begin, text.size()));
        // Cut at the first CR or LF, whichever the client used: never a header line.
        request_.requestLine = std::string(section.substr(0, std::min<std::size_t>(section.find_first_of("\r\n"),
                                                                                   MAX_LOGGED_REQUEST_LINE)));
      }
      switch (scan.status)
      {
        case HeaderSectionScan::Status::TooLarge:
          co_await Refuse(11, 431, "the request header section exceeds " +
                          std::to_string(MessageIo::HEADER_LIMIT / 1024) + " KiB", {});
          co_return HeaderRead::Refused;

        case HeaderSectionScan::Status::ObsoleteLineFolding:
          co_await Refuse(11, 400, "obsolete line folding in the request header", {});
          co_return HeaderRead::Refused;

        case HeaderSectionScan::Status::Complete:
        {
          buffer_.consume(scan.begin);
          error_code error;
          const std::size_t used = parser.put(boost::asio::buffer(buffer_.data().data(), scan.end - scan.begin), error);
          buffer_.consume(used);
          if (!error && !parser.is_header_done())
          {
            error = http::error::partial_message;
          }
          if (error)
          {
            const int status = (error == http::error::header_limit) ? 431 :
              (error == http::error::bad_version) ? 505 : 400;
            co_await Refuse(11, status, "malformed request header: " + error.message(), {});
            co_return HeaderRead::Refused;
          }
          client_.Tcp().expires_never();
          co_return HeaderRead::Ready;
        }

        case HeaderSectionScan::Status::Incomplete:
          break;
      }

      // (The scan refuses a section over HEADER_LIMIT: the buffer's own limit is
      // not reached here, checked all the same.)
      const std::size_t room = std::min(READ_SIZE, buffer_.max_size() - buffer_.size());
      if (room == 0)
      {
        co_await Refuse(11, 431, "the request header section is too large", {});
        co_return HeaderRead::Refused;
      }
      auto [error, bytes] = co_await MessageIo::ReadSome(client_, buffer_.prepare(room));
      if (error || closing_)
      {
        // Closed by the client, past a deadline, or Stop(): nothing to answer.
        co_return HeaderRead::ConnectionEnded;
      }
      buffer_.commit(bytes);
      if (!started && bytes > 0)
      {
        started = true;
        BeginRequest();
      }
      if (!begun && bytes > 0)
      {
        begun = true;
        client_.Tcp().expires_after(context_.requestHeaderTimeout);
      }
    }
  }


  boost::asio::awaitable<ConnectionFate> Session::Serve(RequestParser& parser)
  {
    // Checked and answered from views into the parser's fields: a preflight
    // answered before copies nothing.
    const auto& request = parser.get();
    const std::string_view methodView = AsStdView(request.method_string());
    const std::string_view targetView = AsStdView(request.target());
    fields_.clear();
    for (const auto& field : request)
    {
      fields_.push_back(HttpFieldView{AsStdView(field.name_string()), AsStdView(field.value())});
    }
    if (context_.accessLog != nullptr)
    {
      request_.referer = LookUpField(fields_, "Referer").first;
      request_.userAgent = LookUpField(fields_, "User-Agent").first;
    }

    if (auto rejection = ValidateRequest(methodView, targetView, request.version(), fields_))
    {
      context_.metrics.requestsMalformed.Add();
      co_await Refuse(request.version(), rejection->status, rejection->details, rejection->headers);
      co_return ConnectionFate::Close;
    }

    if (fromTrustedProxy_)
    {
      const ForwardedClient client = ResolveForwardedFor(proxiedAddress_, context_.configuration->gateway.trustedProxies,
                                                         GetForwardedForEntries(fields_));
      forwardedForEntriesUsed_ = client.entriesUsed;
      forwardedScheme_ = client.entriesUsed > 0 ? GetTrustedForwardedScheme(fields_) : nullptr;
      if (!CountForClient(client.address))
      {
        co_await RefuseClientOverLimit(request.version());
        co_return ConnectionFate::Close;
      }
    }

    // Before anything is answered, preflights and served files included: a page
    // that reached the gateway through a re-pointed DNS name learns nothing.
    if (const auto refusal = context_.configuration->allowedHosts.Check(fields_))
    {
      request_.outcome = CorsOutcome::HostRefused;
      context_.metrics.requestsHostRefused.Add();
      context_.logger.Info("Cors gateway: refused " + std::string(methodView) + " " +
                           Abbreviate({std::string(targetView)}) + " from " +
                           clientAddress_.to_string() + ": " + *refusal);
      const LocalResponse answer = MakeErrorResponse(403, *refusal);
      co_return co_await AnswerClient(client_, parser, context_.idleTimeout, closing_,
                                      403, answer.headers, answer.body);
    }

    const Policy& policy = context_.GetPolicy();
    if (methodView == "OPTIONS")
    {
      const CorsFieldViews corsFields = CorsFieldViews::Of(fields_);
      if (corsFields.AsksPreflight())
      {
        co_return co_await AnswerPreflight(parser, policy, corsFields);
      }
    }

    const std::string method(methodView);
    const std::string target(targetView);
    const HttpHeaders headers = MessageIo::ToHttpHeaders(request);
    const CorsRequest cors = CorsRequest::FromFields(method, target, fields_);

    const std::shared_ptr<const CorsDecision> sharedDecision = actualDecisions_.Decide(policy, cors);
    const CorsDecision& decision = *sharedDecision;
    RecordPolicyOutcome(cors, decision);

    if (context_.folders)
    {
      std::optional<FolderResponse> served;
      std::optional<LocalResponse> failure;
      try
      {
        served = context_.folders->ServeOnGateway(FolderRequest{method, target, headers});
      }
      catch (const std::exception& e)
      {
        // (No co_await inside a handler: the answer is written below.)
        context_.logger.Error("Cors gateway: cannot serve " + cors.path + " from a folder: " + e.what());
        failure = MakeErrorResponse(500, "the file cannot be read");
      }
      // As on Orthanc's port: only a client that Orthanc lets in learns anything
      // of the folder, even that one of its files cannot be read.
      const FolderSettings* folder = served ? served->folder :
        (failure ? context_.folders->FindFolder(target) : nullptr);
      if (folder && !folder->isPublic)
      {
        const FolderAccessVerdict verdict = co_await CheckFolderAccess(context_, upstream_, folder->prefix,
                                                                       headers, MakeForwardingContext());
        if (std::optional<LocalResponse> denial = MakeFolderAccessDenial(verdict, folder->prefix))
        {
          AddFramePolicyHeaders(denial->headers, folder->framePolicy);
          ApplyCorsHeaders(denial->headers, decision);
          co_return co_await AnswerClient(client_, parser, context_.idleTimeout, closing_,
                                          denial->status, denial->headers, denial->body);
        }
      }
      if (failure)
      {
        if (folder)
        {
          AddFramePolicyHeaders(failure->headers, folder->framePolicy);
        }
        ApplyCorsHeaders(failure->headers, decision);
        co_return co_await AnswerClient(client_, parser, context_.idleTimeout, closing_,
                                        500, failure->headers, failure->body);
      }
      if (served)
      {
        ApplyCorsHeaders(served->headers, decision, ExistingResourcePolicy::Keep);
        if (served->body.IsInFile())
        {
          co_return co_await AnswerClientFromFile(client_, parser, context_.idleTimeout, closing_, served->status,
                                                  served->headers, served->body, context_.logger);
        }
        co_return co_await AnswerClient(client_, parser, context_.idleTimeout, closing_,
                                        served->status, served->headers, served->body.GetMemory());
      }
    }

    const ForwardingContext forwarding = MakeForwardingContext();
    if (chunk_.empty())
    {
      chunk_.resize(MessageIo::CHUNK_SIZE);
    }
    Relay relay(context_, Relay::ClientSide{client_, buffer_, parser, headers, forwarding},
                upstream_, sharedDecision, chunk_, closing_);
    const ConnectionFate fate = co_await relay.Run();
    context_.metrics.CountRelay(std::chrono::steady_clock::now() - request_.began);
    co_return fate;
  }


  boost::asio::awaitable<ConnectionFate> Session::AnswerPreflight(RequestParser& parser,
                                                                 const Policy& policy,
                                                                 const CorsFieldViews& corsFields)
  {
    // Browsers send preflights without credentials: answered here, never by Orthanc.
    // Only answers that keep an HTTP/1.1 connection open are cached, as their head says.
    const auto& request = parser.get();
    const std::string_view target = AsStdView(request.target());
    const RoutePolicy* route = policy.FindRoute(TargetPath(target));
    const bool cacheable = route != nullptr && request.version() == 11 && ClientMayKeepAlive(parser, closing_);
    if (cacheable)
    {
      if (const std::string* head = preflightAnswers_.Find(*route, corsFields))
      {
        request_.outcome = CorsOutcome::PreflightAllowed;
        context_.metrics.preflightsAllowed.Add();
        const MessageIo::ErrorCode error = co_await MessageIo::WriteSerializedResponse(
          client_, context_.idleTimeout, 204, *head, std::string_view());
        co_return error ? ConnectionFate::Close : ConnectionFate::KeepAlive;
      }
    }

    const CorsRequest cors = CorsRequest::FromFields(AsStdView(request.method_string()), target, fields_);
    const CorsDecision decision = route == nullptr ? EvaluatePreflight(policy, cors) :
      EvaluatePreflight(policy, *route, cors);
    RecordPolicyOutcome(cors, decision);
    if (decision.status != 204)
    {
      context_.logger.Info("Cors gateway: refused the preflight of " + Abbreviate(cors.requestMethods) + " " +
                           cors.path + " from origin " + Abbreviate(cors.origins) + ": " + decision.reason);
    }
    else if (cacheable)
    {
      if (std::optional<std::string> head = SerializeResponseHead(11, decision.status, decision.headers,
                                                                  BodyFraming::Length(0), true))
      {
        preflightAnswers_.Store(*route, cors, decision, std::move(*head));
      }
    }
    co_return co_await AnswerClient(client_, parser, context_.idleTimeout, closing_,
                                    decision.status, decision.headers, {});
  }


  void Session::ForgetRequestFields()
  {
    fields_.clear();
    if (fields_.capacity() > FIELD_VIEWS_KEPT)
    {
      HttpFieldViews().swap(fields_);
    }
    fieldArena_.release();   // the parser whose fields it held is gone
  }


  void Session::BeginRequest()
  {
    request_.began = std::chrono::steady_clock::now();
    request_.trafficBefore = client_.GetTraffic();
    request_.outcome = CorsOutcome::None;
    if (context_.accessLog != nullptr)
    {
      request_.beganWallClock = std::chrono::system_clock::now();
      request_.requestLine.clear();
      request_.referer.clear();
      request_.userAgent.clear();
    }
  }


  void Session::RecordPolicyOutcome(const CorsRequest& request, const CorsDecision& decision)
  {
    CorsMetrics& metrics = context_.metrics;
    const auto record = [this](CorsOutcome outcome, MetricCounter& counter)
    {
      request_.outcome = outcome;
      counter.Add();
    };

    if (request.IsPreflight())
    {
      switch (decision.outcome == CorsDecision::Outcome::Allowed ? CorsDecision::Refusal::None : decision.refusal)
      {
        case CorsDecision::Refusal::None:
          return record(CorsOutcome::PreflightAllowed, metrics.preflightsAllowed);
        case CorsDecision::Refusal::Route:
          return record(CorsOutcome::PreflightRefusedRoute, metrics.preflightsRefusedRoute);
        case CorsDecision::Refusal::Origin:
          return record(CorsOutcome::PreflightRefusedOrigin, metrics.preflightsRefusedOrigin);
        case CorsDecision::Refusal::Method:
          return record(CorsOutcome::PreflightRefusedMethod, metrics.preflightsRefusedMethod);
        case CorsDecision::Refusal::Header:
          return record(CorsOutcome::PreflightRefusedHeader, metrics.preflightsRefusedHeader);
        case CorsDecision::Refusal::PrivateNetwork:
          return record(CorsOutcome::PreflightRefusedPrivateNetwork, metrics.preflightsRefusedPrivateNetwork);
      }
      return;
    }

    if (!request.HasOrigin())
    {
      record(CorsOutcome::NoOrigin, metrics.requestsWithoutOrigin);
    }
    else if (decision.outcome == CorsDecision::Outcome::Allowed)
    {
      record(CorsOutcome::OriginAllowed, metrics.requestsOriginAllowed);
    }
    else if (decision.outcome == CorsDecision::Outcome::NotExposed)
    {
      record(CorsOutcome::NotExposed, metrics.requestsNotExposed);
    }
    else
    {
      record(CorsOutcome::OriginRefused, metrics.requestsOriginRefused);
    }
  }


  void Session::FinishRequest()
  {
    CountTraffic();
    if (context_.accessLog == nullptr)
    {
      return;
    }
    const AnyStream::Traffic& traffic = client_.GetTraffic();
    const AnyStream::Traffic& before = request_.trafficBefore;
    if (clientAddressText_.empty())
    {
      clientAddressText_ = clientAddress_.to_string();
    }
    AccessRecord record;
    record.clientAddress = clientAddressText_;
    record.began = request_.beganWallClock;
    record.elapsed = std::chrono::steady_clock::now() - request_.began;
    record.requestLine = std::move(request_.requestLine);
    record.status = traffic.responses > before.responses ? traffic.lastStatus : 0;
    record.bodyBytesSent = (traffic.bytesWritten - before.bytesWritten) -
      (traffic.headBytesWritten - before.headBytesWritten);
    record.referer = std::move(request_.referer);
    record.userAgent = std::move(request_.userAgent);
    record.outcome = request_.outcome;
    context_.accessLog->Write(FormatAccessLogLine(record));
  }


  void Session::CountTraffic()
  {
    const AnyStream::Traffic& traffic = client_.GetTraffic();
    context_.metrics.bytesReceived.Add(traffic.bytesRead - bytesReadCounted_);
    context_.metrics.bytesSent.Add(traffic.bytesWritten - bytesWrittenCounted_);
    bytesReadCounted_ = traffic.bytesRead;
    bytesWrittenCounted_ = traffic.bytesWritten;
  }


  boost::asio::awaitable<void> Session::Refuse(unsigned int version,
                                               int status,
                                               const std::string& details,
                                               const HttpHeaders& extraHeaders)
  {
    if (closing_)
    {
      co_return;
    }
    LocalResponse answer = MakeErrorResponse(status, details);
    answer.headers.insert(answer.headers.end(), extraHeaders.begin(), extraHeaders.end());
    co_await MessageIo::WriteResponse(client_, context_.idleTimeout, version == 10 ? 10 : 11,
                                      status, answer.headers, answer.body, true, false);
  }


  ForwardingContext Session::MakeForwardingContext() const
  {
    const std::string_view host = LookUpField(fields_, "Host").first;
    return ForwardingContext{
      clientAddress_,
      forwardedScheme_ != nullptr ? forwardedScheme_ : context_.GetScheme(),
      host.empty() ? DescribeOwnHost() : std::string(host),
      forwardedForEntriesUsed_
    };
  }


  std::string Session::DescribeUntrustedProxyHeader() const
  {
    // The likely mistake: a load balancer missing from the list.
    return "a PROXY protocol header from " + peerAddress_.to_string() + ", which " +
      ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::TRUSTED_PROXIES) + " does not list";
  }


  std::string Session::DescribeOwnHost() const
  {
    const auto address = localEndpoint_.address();
    std::string described;
    if (address.is_v6())
    {
      described += '[';
      described += address.to_string();
      described += ']';
    }
    else
    {
      described = address.to_string();
    }
    described += ':';
    described += std::to_string(localEndpoint_.port());
    return described;
  }
}
