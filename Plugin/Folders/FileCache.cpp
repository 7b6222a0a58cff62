// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FileCache.h"

#include <cstdio>
#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    constexpr unsigned int MAX_READ_ATTEMPTS = 3;

    std::string ToHex(uint64_t value)
    {
      char buffer[17];
      std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
      return buffer;
    }

    // 64-bit FNV-1a: enough to tell two versions of a file apart in an entity tag
    // (no adversary chooses both versions), and no dependency for it.
    uint64_t HashContent(const std::string& content)
    {
      uint64_t hash = 0xcbf29ce484222325ull;
      for (unsigned char c : content)
      {
        hash ^= c;
        hash *= 0x100000001b3ull;
      }
      return hash;
    }

    std::string TagFromContent(const std::string& content)
    {
      return ToHex(HashContent(content)) + "-" + ToHex(content.size());
    }

    std::string TagFromVersion(const FileVersion& version)
    {
      return ToHex(version.size) + "-" + ToHex(static_cast<uint64_t>(version.modificationNanoseconds)) +
        "-" + ToHex(static_cast<uint64_t>(version.changeNanoseconds)) + "-" + ToHex(version.inode);
    }
  }


  FileCache::FileCache(FileCacheLimits limits) :
    limits_(limits)
  {
  }


  std::optional<FileCache::File> FileCache::Get(const std::filesystem::path& path)
  {
    const std::string key = path.string();
    if (const std::optional<FileVersion> version = GetFileVersion(path))
    {
      if (std::optional<File> cached = Lookup(key, *version))
      {
        return cached;
      }
    }

    // A file that changes while it is read (a deployment writing in place) is
    // read again, so that no answer mixes two versions; one that keeps changing
    // is an error for this request.
    for (unsigned int attempt = 1; ; attempt++)
    {
      // From here on, the version is the opened file's own: what is read is what the tag names.
      std::shared_ptr<const OpenFile> openFile = OpenFile::Open(path);
      if (!openFile)
      {
        Forget(key);
        return std::nullopt;
      }
      const FileVersion& version = openFile->GetVersion();

      const bool cacheable = version.size <= limits_.maxCachedFileBytes &&
        version.size <= limits_.capacityBytes;
      if (!cacheable)
      {
        return File{nullptr, std::move(openFile), TagFromVersion(version), version.size};
      }

      std::string content(static_cast<size_t>(version.size), '\0');
      const size_t read = openFile->ReadAt(0, content.data(), content.size());
      if (read == content.size() && openFile->IsUnchanged())
      {
        File file;
        file.size = content.size();
        file.tag = TagFromContent(content);
        file.content = std::make_shared<const std::string>(std::move(content));
        Insert(key, version, file);
        return file;
      }
      if (attempt == MAX_READ_ATTEMPTS)
      {
        throw std::runtime_error("the file " + key + " kept changing while it was read");
      }
    }
  }


  size_t FileCache::GetCachedBytes() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return cachedBytes_;
  }


  std::optional<FileCache::File> FileCache::Lookup(const std::string& path, const FileVersion& version)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = index_.find(path);
    if (found == index_.end())
    {
      return std::nullopt;
    }

    if (found->second->version != version)
    {
      EraseLocked(found->second);
      return std::nullopt;
    }

    entries_.splice(entries_.begin(), entries_, found->second);
    return found->second->file;
  }


  void FileCache::Forget(const std::string& path)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = index_.find(path);
    if (found != index_.end())
    {
      EraseLocked(found->second);
    }
  }


  void FileCache::Insert(const std::string& path, const FileVersion& version, const File& file)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = index_.find(path);
    if (found != index_.end())
    {
      EraseLocked(found->second);   // another thread loaded it meanwhile
    }

    entries_.push_front(Entry{path, version, file});
    index_[path] = entries_.begin();
    cachedBytes_ += file.size;

    while (cachedBytes_ > limits_.capacityBytes && !entries_.empty())
    {
      EraseLocked(std::prev(entries_.end()));
    }
  }


  void FileCache::EraseLocked(std::list<Entry>::iterator entry)
  {
    cachedBytes_ -= entry->file.size;
    index_.erase(entry->path);
    entries_.erase(entry);
  }
}
