#pragma once

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

  struct FileCacheLimits
  {
    size_t capacityBytes = 256u * 1024 * 1024;      // all cached contents together
    size_t maxCachedFileBytes = 64u * 1024 * 1024;  // bigger files are read on each request
  };

  // Contents of served files kept in memory, so that an unchanged file is not
  // read again: each lookup checks the file's version (one stat) and reloads it
  // when it changed. Least recently used files are evicted beyond the capacity.
  // Thread-safe; contents are shared (never copied) between concurrent answers.
  class FileCache
  {
  public:
    struct File
    {
      // Null only when the content was not asked for and the file is too big to cache.
      std::shared_ptr<const std::string> content;
      // Changes whenever the content does (without quotes): a hash of the content
      // for cached files, the file's version for bigger ones (not read to answer a
      // HEAD or a 304).
      std::string tag;
      uint64_t size = 0;
    };

    explicit FileCache(FileCacheLimits limits = {});

    FileCache(const FileCache&) = delete;
    FileCache& operator=(const FileCache&) = delete;

    // The file at `path` (a canonical path), or std::nullopt if it cannot be read.
    std::optional<File> Get(const std::filesystem::path& path, bool needContent);

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
