// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "MessageIo.h"
#include "../Folders/FolderBody.h"

#include <chrono>
#include <cstddef>
#include <string>

namespace OrthancCors
{
  // The unit of a served file's streaming over TLS: the most of the file held in
  // memory per transfer.
  constexpr std::size_t FILE_CHUNK_SIZE = 256 * 1024;

  // How a file body's transfer ended; `failure` says why when it did not complete
  // because of the file (empty when the connection was lost or timed out).
  struct FileTransferEnd
  {
    bool complete = false;
    std::string failure;
  };

  // Sends the bytes of `body` (FolderBody::IsInFile) after a head already written.
  // Plain TCP: sendfile(2), the kernel copying from the page cache to the socket,
  // no buffer here. TLS: FILE_CHUNK_SIZE reads, each encrypted and written. Each
  // wait for the client is bounded by `timeout`. After each piece, the file must
  // still be as it was opened (OpenFile::IsUnchanged): otherwise the transfer
  // stops, so that the client never gets a complete-looking mix of two versions.
  MessageIo::Awaitable<FileTransferEnd> SendFileBody(AnyStream& client,
                                                     const FolderBody& body,
                                                     std::chrono::steady_clock::duration timeout);
}
