// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FileTransfer.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace OrthancCors
{
  namespace
  {
    // Bytes per sendfile(2) call: between two checks that the file is unchanged.
    constexpr std::size_t SENDFILE_PIECE = 4 * 1024 * 1024;

    const char* const FILE_CHANGED = "the file changed while it was sent";

    MessageIo::Awaitable<FileTransferEnd> CopyThroughMemory(AnyStream& client,
                                                            const FolderBody& body,
                                                            std::chrono::steady_clock::duration timeout)
    {
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
            failure = FILE_CHANGED;
          }
        }
        catch (const std::exception& e)
        {
          failure = e.what();
        }
        if (!failure.empty())
        {
          co_return FileTransferEnd{false, failure};
        }

        client.Tcp().expires_after(timeout);
        const auto [error, written] = co_await MessageIo::WriteAll(client, boost::asio::buffer(chunk.data(), wanted));
        if (error)
        {
          co_return FileTransferEnd{};
        }
        offset += wanted;
        remaining -= wanted;
      }
      client.Tcp().expires_never();
      co_return FileTransferEnd{true, ""};
    }

    MessageIo::Awaitable<FileTransferEnd> SendWithKernel(AnyStream& client,
                                                         const FolderBody& body,
                                                         std::chrono::steady_clock::duration timeout)
    {
      using namespace boost::asio::experimental::awaitable_operators;
      auto& socket = client.Tcp().socket();
      boost::system::error_code error;
      socket.native_non_blocking(true, error);
      if (error)
      {
        co_return FileTransferEnd{};
      }

      const OpenFile& file = body.GetFile();
      boost::asio::steady_timer timer(socket.get_executor());
      uint64_t offset = body.GetFileOffset();
      uint64_t remaining = body.GetSize();
      while (remaining > 0)
      {
        const size_t wanted = static_cast<size_t>(std::min<uint64_t>(remaining, SENDFILE_PIECE));
        const long sent = file.SendTo(socket.native_handle(), offset, wanted);
        if (sent > 0)
        {
          client.GetTraffic().bytesWritten += static_cast<uint64_t>(sent);
          offset += static_cast<uint64_t>(sent);
          remaining -= static_cast<uint64_t>(sent);
          if (!file.IsUnchanged())
          {
            co_return FileTransferEnd{false, FILE_CHANGED};
          }
        }
        else if (sent == 0)
        {
          co_return FileTransferEnd{false, FILE_CHANGED};   // the file ends before its opened size
        }
        else if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          // The socket's buffer is full: wait until the client reads, or the timeout.
          timer.expires_after(timeout);
          const auto ready = co_await (socket.async_wait(boost::asio::socket_base::wait_write, MessageIo::AS_TUPLE) ||
                                       timer.async_wait(MessageIo::AS_TUPLE));
          if (ready.index() != 0 || std::get<0>(std::get<0>(ready)))
          {
            co_return FileTransferEnd{};
          }
        }
        else if ((errno == EINVAL || errno == ENOSYS) && remaining == body.GetSize())
        {
          // A filesystem that cannot do it (sendfile needs mmap-able files): copy instead.
          co_return co_await CopyThroughMemory(client, body, timeout);
        }
        else if (errno != EINTR)
        {
          co_return FileTransferEnd{};   // the client went away (EPIPE, ECONNRESET), or the socket is closed
        }
      }
      co_return FileTransferEnd{true, ""};
    }
  }


  MessageIo::Awaitable<FileTransferEnd> SendFileBody(AnyStream& client,
                                                     const FolderBody& body,
                                                     std::chrono::steady_clock::duration timeout)
  {
    if (client.IsTls())
    {
      co_return co_await CopyThroughMemory(client, body, timeout);
    }
    co_return co_await SendWithKernel(client, body, timeout);
  }
}
