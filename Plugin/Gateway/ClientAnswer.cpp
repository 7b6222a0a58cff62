// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ClientAnswer.h"

#include "FileTransfer.h"

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


  MessageIo::Awaitable<ConnectionFate> AnswerClientFromFile(AnyStream& client,
                                                            const RequestParser& request,
                                                            std::chrono::steady_clock::duration timeout,
                                                            bool closing,
                                                            int status,
                                                            const HttpHeaders& headers,
                                                            const FolderBody& body,
                                                            ILogger& logger)
  {
    if (closing)
    {
      co_return ConnectionFate::Close;
    }
    const bool keepAlive = ClientMayKeepAlive(request, closing);
    if (co_await MessageIo::WriteResponse(client, timeout, request.get().version(), status, headers,
                                          std::string_view(), false, keepAlive))
    {
      co_return ConnectionFate::Close;
    }

    const FileTransferEnd end = co_await SendFileBody(client, body, timeout);
    if (!end.failure.empty())
    {
      logger.Warning("Cors gateway: closing a connection in the middle of a served file of " +
                     std::to_string(body.GetSize()) + " bytes: " + end.failure);
    }
    if (!end.complete)
    {
      co_return ConnectionFate::Close;
    }
    co_return keepAlive ? ConnectionFate::KeepAlive : ConnectionFate::Close;
  }
}
