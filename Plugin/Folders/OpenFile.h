// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace OrthancCors
{
  // What identifies one version of a file on disk: any write changes the change
  // time, and a replacement by rename changes the inode.
  struct FileVersion
  {
    uint64_t size = 0;
    int64_t modificationNanoseconds = 0;
    int64_t changeNanoseconds = 0;
    uint64_t inode = 0;
    uint64_t device = 0;

    bool operator==(const FileVersion& other) const = default;
  };

  // The version of the regular file at `path` (symbolic links followed), or
  // std::nullopt if it is missing or not a regular file.
  std::optional<FileVersion> GetFileVersion(const std::filesystem::path& path);

  // A regular file opened for reading, so that one answer reads one version of
  // it: replacing the file by a rename (how deployments write) does not change
  // what an open file reads, and its version comes from the descriptor itself.
  // Reads at explicit offsets, so that concurrent answers share one OpenFile.
  class OpenFile
  {
  public:
    // The regular file at `path`, or std::nullopt when it is missing, unreadable
    // or not a regular file. A FIFO or a device never blocks the caller: it is
    // opened non-blocking and refused.
    static std::shared_ptr<const OpenFile> Open(const std::filesystem::path& path);

    ~OpenFile();
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;

    // The version when it was opened.
    const FileVersion& GetVersion() const { return version_; }

    // Reads up to `size` bytes at `offset` into `buffer`: fewer only at the end of
    // the file (0 past it). Throws std::system_error when the system cannot read.
    size_t ReadAt(uint64_t offset, char* buffer, size_t size) const;

    // sendfile(2) of up to `count` bytes at `offset` to the socket `socketDescriptor`:
    // the number of bytes sent, 0 at the end of the file, -1 with errno set.
    long SendTo(int socketDescriptor, uint64_t offset, size_t count) const;

    // `length` bytes from `offset`; throws std::runtime_error when the file is
    // no longer as it was opened (IsUnchanged()): never a mix of two versions.
    std::string ReadExactly(uint64_t offset, size_t length) const;

    // Whether the opened file's content is still as it was opened (same size,
    // modification time, and change time while it is linked): a write in place
    // during an answer would otherwise mix two versions in one body. Deleting the
    // file or renaming another over it changes nothing for an open file.
    bool IsUnchanged() const;

  private:
    OpenFile(int descriptor, const FileVersion& version);

    const int descriptor_;
    const FileVersion version_;
  };
}
