#include "ClientAnswer.h"

namespace OrthancCors
{
  bool ClientMayKeepAlive(const RequestParser& request, bool closing)
  {
    return request.keep_alive() && request.is_done() && !closing;
  }


  MessageIo::Awaitable<ConnectionFate> AnswerClient(AnyStream& client,
                                                    const RequestParser& request,
                                                    std::chrono::steady_clock::duration timeout,
                                                    bool closing,
                                                    int status,
                                                    const HttpHeaders& headers,
                                                    std::string_view body)
  {
    if (closing)
    {
      co_return ConnectionFate::Close;
    }
    const bool keepAlive = ClientMayKeepAlive(request, closing);
    const bool sendBody = request.get().method() != boost::beast::http::verb::head;
    const MessageIo::ErrorCode error = co_await MessageIo::WriteResponse(client, timeout, request.get().version(),
                                                                         status, headers, body, sendBody, keepAlive);
    co_return (!error && keepAlive) ? ConnectionFate::KeepAlive : ConnectionFate::Close;
  }
}
