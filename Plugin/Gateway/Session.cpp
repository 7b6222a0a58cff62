#include "Session.h"

#include "ErrorResponses.h"
#include "FolderAccess.h"
#include "HeaderSection.h"
#include "MessageIo.h"
#include "RequestValidation.h"
#include "../Folders/FolderServer.h"
#include "../Policy/CorsEvaluation.h"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/http/error.hpp>

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

    AnyStream MakeClientStream(const GatewayContext& context, boost::asio::ip::tcp::socket socket)
    {
      AnyStream::PlainStream tcp(std::move(socket));
      if (context.serverTls)
      {
        return AnyStream(AnyStream::TlsStream(std::move(tcp), *context.serverTls));
      }
      return AnyStream(std::move(tcp));
    }

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


  Session::Session(const GatewayContext& context, boost::asio::ip::tcp::socket socket) :
    context_(context),
    executor_(socket.get_executor()),
    client_(MakeClientStream(context, std::move(socket))),
    clientAddress_(GetRemoteAddress(client_.Tcp().socket())),
    localEndpoint_(GetLocalEndpoint(client_.Tcp().socket())),
    upstream_(executor_, context)
  {
    error_code ignored;
    client_.Tcp().socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
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
    if (co_await Handshake())
    {
      while (!closing_)
      {
        RequestParser parser;
        parser.header_limit(static_cast<std::uint32_t>(MessageIo::HEADER_LIMIT + 1));
        parser.body_limit(boost::none);

        const HeaderRead read = co_await ReadHeader(parser);
        if (read != HeaderRead::Ready)
        {
          break;
        }
        const ConnectionFate fate = co_await Serve(parser);
        if (fate != ConnectionFate::KeepAlive)
        {
          break;
        }
      }
    }

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
    client_.Tcp().expires_after(context_.idleTimeout);
    auto [error] = co_await tls->async_handshake(boost::asio::ssl::stream_base::server, MessageIo::AS_TUPLE);
    client_.Tcp().expires_never();
    co_return !error && !closing_;
  }


  boost::asio::awaitable<Session::HeaderRead> Session::ReadHeader(RequestParser& parser)
  {
    // One deadline for the wait and the whole header, not one per read: a client
    // sending its header a byte at a time cannot hold the connection longer.
    client_.Tcp().expires_after(context_.idleTimeout);
    for (;;)
    {
      const auto received = buffer_.data();
      const HeaderSectionScan scan = ScanHeaderSection(
        std::string_view(static_cast<const char*>(received.data()), received.size()), MessageIo::HEADER_LIMIT);

      switch (scan.status)
      {
        case HeaderSectionScan::Status::TooLarge:
          co_await Refuse(11, 431, "the request header section exceeds " +
                          std::to_string(MessageIo::HEADER_LIMIT / 1024) + " KiB", {});
          co_return HeaderRead::ConnectionEnded;

        case HeaderSectionScan::Status::ObsoleteLineFolding:
          co_await Refuse(11, 400, "obsolete line folding in the request header", {});
          co_return HeaderRead::ConnectionEnded;

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
            co_return HeaderRead::ConnectionEnded;
          }
          client_.Tcp().expires_never();
          co_return HeaderRead::Ready;
        }

        case HeaderSectionScan::Status::Incomplete:
          break;
      }

      auto [error, bytes] = co_await MessageIo::ReadSome(client_, buffer_.prepare(READ_SIZE));
      if (error || closing_)
      {
        // Closed by the client, idle past IdleTimeout, or Stop(): nothing to answer.
        co_return HeaderRead::ConnectionEnded;
      }
      buffer_.commit(bytes);
    }
  }


  boost::asio::awaitable<ConnectionFate> Session::Serve(RequestParser& parser)
  {
    const auto& request = parser.get();
    const std::string method(request.method_string());
    const std::string target(request.target());
    const HttpHeaders headers = MessageIo::ToHttpHeaders(request);

    if (auto rejection = ValidateRequest(method, target, request.version(), headers))
    {
      co_await Refuse(request.version(), rejection->status, rejection->details, rejection->headers);
      co_return ConnectionFate::Close;
    }

    const Policy& policy = context_.GetPolicy();
    const CorsRequest cors = CorsRequest::FromHeaders(method, target, headers);

    if (cors.IsPreflight())
    {
      // Browsers send preflights without credentials: answered here, never by Orthanc.
      const CorsDecision decision = EvaluatePreflight(policy, cors);
      if (decision.status != 204)
      {
        context_.logger.Info("Cors gateway: refused the preflight of " + Abbreviate(cors.requestMethods) + " " +
                             cors.path + " from origin " + Abbreviate(cors.origins) + ": " + decision.reason);
      }
      co_return co_await Answer(parser, decision.status, decision.headers, {});
    }

    const CorsDecision decision = EvaluateActualRequest(policy, cors);

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
      if (failure)
      {
        ApplyCorsHeaders(failure->headers, decision);
        co_return co_await Answer(parser, 500, failure->headers, failure->body);
      }
      if (served && served->folder && !served->folder->isPublic)
      {
        // As on Orthanc's port: only a client that Orthanc lets in sees the folder.
        const FolderAccessVerdict verdict = co_await CheckFolderAccess(context_, upstream_, served->folder->prefix,
                                                                       headers, MakeForwardingContext(headers));
        if (std::optional<LocalResponse> denial = MakeFolderAccessDenial(verdict, served->folder->prefix))
        {
          ApplyCorsHeaders(denial->headers, decision);
          co_return co_await Answer(parser, denial->status, denial->headers, denial->body);
        }
      }
      if (served)
      {
        ApplyCorsHeaders(served->headers, decision);
        co_return co_await Answer(parser, served->status, served->headers,
                                  served->body ? std::string_view(*served->body) : std::string_view());
      }
    }

    const ForwardingContext forwarding = MakeForwardingContext(headers);
    if (chunk_.empty())
    {
      chunk_.resize(MessageIo::CHUNK_SIZE);
    }
    Relay relay(context_, Relay::ClientSide{client_, buffer_, parser, headers, forwarding},
                upstream_, decision, chunk_, closing_);
    co_return co_await relay.Run();
  }


  boost::asio::awaitable<ConnectionFate> Session::Answer(const RequestParser& parser,
                                                         int status,
                                                         const HttpHeaders& headers,
                                                         std::string_view body)
  {
    const bool keepAlive = parser.keep_alive() && parser.is_done() && !closing_;
    const bool sendBody = parser.get().method() != http::verb::head;
    const error_code error = co_await MessageIo::WriteResponse(client_, context_.idleTimeout, parser.get().version(),
                                                               status, headers, body, sendBody, keepAlive);
    co_return (!error && keepAlive) ? ConnectionFate::KeepAlive : ConnectionFate::Close;
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


  ForwardingContext Session::MakeForwardingContext(const HttpHeaders& headers) const
  {
    const std::vector<std::string> hosts = GetAll(headers, "Host");
    return ForwardingContext{
      clientAddress_,
      context_.GetScheme(),
      (hosts.empty() || hosts.front().empty()) ? DescribeOwnHost() : hosts.front()
    };
  }


  std::string Session::DescribeOwnHost() const
  {
    const auto address = localEndpoint_.address();
    const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(localEndpoint_.port());
  }
}
