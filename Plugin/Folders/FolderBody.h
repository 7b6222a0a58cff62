// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "ByteRange.h"
#include "OpenFile.h"

#include <memory>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // The body of a served file's answer: bytes held in memory (a cached file, a
  // short text), or a slice of an open file that the server streams in chunks,
  // so that a file of any size costs a fixed amount of memory. Copies share
  // the bytes and the file.
  class FolderBody
  {
  public:
    FolderBody();   // empty

    static FolderBody InMemory(std::shared_ptr<const std::string> content);

    // The whole file, as opened.
    static FolderBody InFile(std::shared_ptr<const OpenFile> file);

    // The part of this body that `range` selects (within GetSize()).
    FolderBody Slice(const ByteRange& range) const;

    uint64_t GetSize() const { return length_; }

    bool IsInFile() const { return file_ != nullptr; }

    // The bytes of an in-memory body (empty for a body in a file).
    std::string_view GetMemory() const;

    // For a body in a file: the file and where the body starts in it.
    const OpenFile& GetFile() const { return *file_; }
    uint64_t GetFileOffset() const { return offset_; }

    // The same bytes in memory (read from the file for a body in a file):
    // for a transport that needs the whole body at once.
    FolderBody Loaded() const;

  private:
    std::shared_ptr<const std::string> memory_;
    std::shared_ptr<const OpenFile> file_;
    uint64_t offset_ = 0;
    uint64_t length_ = 0;
  };
}
