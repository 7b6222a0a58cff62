#include "FileCache.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>

namespace OrthancCors
{
  namespace
  {
    int64_t ToNanoseconds(const struct timespec& time)
    {
      return static_cast<int64_t>(time.tv_sec) * 1000000000 + time.tv_nsec;
    }

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
        "-" + ToHex(version.inode);
    }

    std::optional<std::string> ReadWholeFile(const std::filesystem::path& path, uint64_t expectedSize)
    {
      std::ifstream stream(path, std::ios::binary);
      if (!stream)
      {
        return std::nullopt;
      }

      std::string content;
      content.reserve(expectedSize);
      content.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
      if (stream.bad())
      {
        return std::nullopt;
      }
      return content;
    }
  }


  std::optional<FileVersion> GetFileVersion(const std::filesystem::path& path)
  {
    struct stat information;
    if (::stat(path.c_str(), &information) != 0 ||
        !S_ISREG(information.st_mode))
    {
      return std::nullopt;
    }

    FileVersion version;
    version.size = static_cast<uint64_t>(information.st_size);
    version.modificationNanoseconds = ToNanoseconds(information.st_mtim);
    version.changeNanoseconds = ToNanoseconds(information.st_ctim);
    version.inode = static_cast<uint64_t>(information.st_ino);
    version.device = static_cast<uint64_t>(information.st_dev);
    return version;
  }


  FileCache::FileCache(FileCacheLimits limits) :
    limits_(limits)
  {
  }


  std::optional<FileCache::File> FileCache::Get(const std::filesystem::path& path, bool needContent)
  {
    const std::string key = path.string();
    const std::optional<FileVersion> version = GetFileVersion(path);
    if (!version)
    {
      Forget(key);
      return std::nullopt;
    }

    if (std::optional<File> cached = Lookup(key, *version))
    {
      return cached;
    }

    const bool cacheable = version->size <= limits_.maxCachedFileBytes &&
      version->size <= limits_.capacityBytes;
    if (!cacheable && !needContent)
    {
      return File{nullptr, TagFromVersion(*version), version->size};
    }

    std::optional<std::string> content = ReadWholeFile(path, version->size);
    if (!content)
    {
      return std::nullopt;
    }

    File file;
    file.size = content->size();
    if (cacheable)
    {
      file.tag = TagFromContent(*content);
    }
    else
    {
      file.tag = TagFromVersion(*version);
    }
    file.content = std::make_shared<const std::string>(std::move(*content));

    // A file that changed while it was read (a deployment in progress) is served
    // as read, but not kept: the next request reads the finished file.
    if (cacheable && GetFileVersion(path) == version)
    {
      Insert(key, *version, file);
    }
    return file;
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
