// SPDX-License-Identifier: AGPL-3.0-or-later

#include "OpenFile.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace OrthancCors
{
  namespace
  {
    int64_t ToNanoseconds(const struct timespec& time)
    {
      return static_cast<int64_t>(time.tv_sec) * 1000000000 + time.tv_nsec;
    }

    FileVersion ToFileVersion(const struct stat& information)
    {
      FileVersion version;
      version.size = static_cast<uint64_t>(information.st_size);
      version.modificationNanoseconds = ToNanoseconds(information.st_mtim);
      version.changeNanoseconds = ToNanoseconds(information.st_ctim);
      version.inode = static_cast<uint64_t>(information.st_ino);
      version.device = static_cast<uint64_t>(information.st_dev);
      return version;
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
    return ToFileVersion(information);
  }


  std::shared_ptr<const OpenFile> OpenFile::Open(const std::filesystem::path& path)
  {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    // It changes nothing for the regular files that are kept.
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (descriptor < 0)
    {
      return nullptr;
    }

    struct stat information;
    if (::fstat(descriptor, &information) != 0 || !S_ISREG(information.st_mode))
    {
      ::close(descriptor);
      return nullptr;
    }
    try
    {
      return std::shared_ptr<const OpenFile>(new OpenFile(descriptor, ToFileVersion(information)));
    }
    catch (...)
    {
      ::close(descriptor);   // the allocation failed: no OpenFile owns it
      throw;
    }
  }


  OpenFile::OpenFile(int descriptor, const FileVersion& version) :
    descriptor_(descriptor),
    version_(version)
  {
  }


  OpenFile::~OpenFile()
  {
    ::close(descriptor_);
  }


  size_t OpenFile::ReadAt(uint64_t offset, char* buffer, size_t size) const
  {
    size_t done = 0;
    while (done < size)
    {
      const ssize_t count = ::pread(descriptor_, buffer + done, size - done, static_cast<off_t>(offset + done));
      if (count < 0)
      {
        if (errno == EINTR)
        {
          continue;
        }
        throw std::system_error(errno, std::generic_category(), "cannot read a served file");
      }
      if (count == 0)
      {
        break;
      }
      done += static_cast<size_t>(count);
    }
    return done;
  }


  long OpenFile::SendTo(int socketDescriptor, uint64_t offset, size_t count) const
  {
    off_t position = static_cast<off_t>(offset);
    return static_cast<long>(::sendfile(socketDescriptor, descriptor_, &position, count));
  }


  std::string OpenFile::ReadExactly(uint64_t offset, size_t length) const
  {
    std::string content(length, '\0');
    if (ReadAt(offset, content.data(), length) != length || !IsUnchanged())
    {
      throw std::runtime_error("a served file changed while it was read");
    }
    return content;
  }


  bool OpenFile::IsUnchanged() const
  {
    struct stat information;
    if (::fstat(descriptor_, &information) != 0)
    {
      return false;
    }
    const FileVersion now = ToFileVersion(information);
    // The change time also tells a write whose modification time was restored
    // (rsync --inplace -t), but moves when the file is unlinked, or replaced by a
    // rename (a deployment), which leaves the opened bytes as they were: it only
    // counts while the file is still linked.
    return now.size == version_.size && now.modificationNanoseconds == version_.modificationNanoseconds &&
      (information.st_nlink == 0 || now.changeNanoseconds == version_.changeNanoseconds);
  }
}
