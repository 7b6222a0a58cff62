// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "MessageIo.h"
#include "../Common/HttpHeaders.h"
#include "../Common/Logger.h"
#include "../Folders/FolderBody.h"

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <chrono>
#include <memory_resource>
#include <string_view>

namespace OrthancCors
{
  // A client's request: its header is parsed before anything is decided, its
  // body (if any) is read later, a piece at a time. Its fields are allocated from
  // the connection's arena (Session), released whole once the parser is gone: no
  // malloc and no free a field.
  using RequestFieldAllocator = std::pmr::polymorphic_allocator<char>;
  using RequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body, RequestFieldAllocator>;

  // Whether the client connection can carry another request.
  enum class ConnectionFate
  {
    KeepAlive,
    Close
  };

  // The client wants to keep the connection, the gateway is not stopping, and
  // no unread request body is left (it would be taken for the next request).
  bool ClientMayKeepAlive(const RequestParser& request, bool closing);

  // A response the gateway produces itself (an error, a preflight, a served
  // file) to the request `request` holds, in its HTTP version, without a body
  // for HEAD; the connection stays open when ClientMayKeepAlive(). Nothing is
  // written once the gateway is closing the connection.
  MessageIo::Awaitable<ConnectionFate> AnswerClient(AnyStream& client,
                                                    const RequestParser& request,
                                                    std::chrono::steady_clock::duration timeout,
                                                    bool closing,
                                                    int status,
                                                    const HttpHeaders& headers,
                                                    std::string_view body);

  // The same for a served file whose body stays in its file (FolderBody::IsInFile):
  // `headers` carry its Content-Length; the bytes follow as SendFileBody sends
  // them (FileTransfer.h). A file found shorter or changed since it was opened
  // (written in place during the transfer) makes the gateway close the
  // connection before the body's end, logged: the client sees a truncated
  // answer, never a complete-looking mix of two versions.
  MessageIo::Awaitable<ConnectionFate> AnswerClientFromFile(AnyStream& client,
                                                            const RequestParser& request,
                                                            std::chrono::steady_clock::duration timeout,
                                                            bool closing,
                                                            int status,
                                                            const HttpHeaders& headers,
                                                            const FolderBody& body,
                                                            ILogger& logger);
}
