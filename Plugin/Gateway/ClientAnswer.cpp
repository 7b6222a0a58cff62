#include "ClientAnswer.h"

#include <algorithm>
#include <vector>

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

    std::vector<char> chunk(static_cast<size_t>(std::min<uint64_t>(FILE_CHUNK_SIZE, body.GetSize())));
    const OpenFile& file = body.GetFile();
    uint64_t offset = body.GetFileOffset();
    uint64_t remaining = body.GetSize();
    while (remaining > 0)
    {
      const size_t wanted = static_cast<size_t>(std::min<uint64_t>(remaining, chunk.size()));
      std::string failure;
      try
      {
        if (file.ReadAt(offset, chunk.data(), wanted) != wanted || !file.IsUnchanged())
        {
          failure = "the file changed while it was sent";
        }
      }
      catch (const std::exception& e)
      {
        failure = e.what();
      }
      if (!failure.empty())
      {
        logger.Warning("Cors gateway: closing a connection in the middle of a served file (" +
                       std::to_string(body.GetSize() - remaining) + " of " + std::to_string(body.GetSize()) +
                       " bytes sent): " + failure);
        co_return ConnectionFate::Close;
      }

      client.Tcp().expires_after(timeout);
      const auto [error, written] = co_await MessageIo::WriteAll(client, boost::asio::buffer(chunk.data(), wanted));
      if (error)
      {
        co_return ConnectionFate::Close;
      }
      offset += wanted;
      remaining -= wanted;
    }
    client.Tcp().expires_never();
    co_return keepAlive ? ConnectionFate::KeepAlive : ConnectionFate::Close;
  }
}
