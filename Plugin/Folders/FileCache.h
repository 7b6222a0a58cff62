// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "OpenFile.h"

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace OrthancCors
{
  struct FileCacheLimits
  {
    size_t capacityBytes = 256u * 1024 * 1024;      // all cached contents together
    size_t maxCachedFileBytes = 64u * 1024 * 1024;  // bigger files are read on each request
  };

  // Contents of served files kept in memory, so that an unchanged file is not
  // read again: each lookup checks the file's version (one stat) and reloads it
  // when it changed. Least recently used files are evicted beyond the capacity.
  // A file above the per-file limit is never read here: it is handed over open,
  // for the answer to stream it. Thread-safe; contents are shared (never
  // copied) between concurrent answers.
  class FileCache
  {
  public:
    struct File
    {
      // Exactly one of the two: the content of a file small enough to cache, or
      // the opened file when it is bigger.
      std::shared_ptr<const std::string> content;
      std::shared_ptr<const OpenFile> openFile;
      // Changes whenever the content does (without quotes): a hash of the content
      // for cached files, the opened version for bigger ones (never read whole).
      std::string tag;
      uint64_t size = 0;
    };

    explicit FileCache(FileCacheLimits limits = {});

    FileCache(const FileCache&) = delete;
    FileCache& operator=(const FileCache&) = delete;

    // The file at `path` (a canonical path), or std::nullopt if it is not a
    // regular file that can be opened. A file small enough to cache is read
    // again when it changes while it is read; throws std::runtime_error when it
    // keeps changing (3 reads), rather than answer with a mix of versions.
    std::optional<File> Get(const std::filesystem::path& path);

    // Total size of the contents currently held.
    size_t GetCachedBytes() const;

  private:
    struct Entry
    {
      std::string path;
      FileVersion version;
      File file;
    };

    std::optional<File> Lookup(const std::string& path, const FileVersion& version);
    void Forget(const std::string& path);
    void Insert(const std::string& path, const FileVersion& version, const File& file);
    void EraseLocked(std::list<Entry>::iterator entry);

    const FileCacheLimits limits_;
    mutable std::mutex mutex_;
    std::list<Entry> entries_;   // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> index_;
    size_t cachedBytes_ = 0;
  };
}
