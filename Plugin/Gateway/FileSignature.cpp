// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FileSignature.h"

#include <cerrno>
#include <sys/stat.h>

namespace OrthancCors
{
  namespace
  {
    bool SameTime(const timespec& a, const timespec& b)
    {
      return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
    }
  }


  FileSignature FileSignature::Of(const std::string& path)
  {
    FileSignature signature;
    struct stat status;
    if (::stat(path.c_str(), &status) != 0)
    {
      signature.error = errno;
      return signature;
    }
    signature.device = status.st_dev;
    signature.inode = status.st_ino;
    signature.size = status.st_size;
    signature.modified = status.st_mtim;
    signature.changed = status.st_ctim;
    return signature;
  }


  bool FileSignature::operator==(const FileSignature& other) const
  {
    return error == other.error && device == other.device && inode == other.inode && size == other.size &&
      SameTime(modified, other.modified) && SameTime(changed, other.changed);
  }


  ReloadSchedule::ReloadSchedule(const Signatures& loaded) :
    loaded_(loaded),
    lastSeen_(loaded)
  {
  }


  bool ReloadSchedule::IsDue(const Signatures& current)
  {
    const bool stable = (current == lastSeen_);
    lastSeen_ = current;
    if (current == loaded_ || (hasFailed_ && current == failed_))
    {
      return false;
    }
    return stable;
  }


  void ReloadSchedule::Loaded(const Signatures& signatures)
  {
    loaded_ = signatures;
    hasFailed_ = false;
  }


  void ReloadSchedule::Failed(const Signatures& signatures)
  {
    failed_ = signatures;
    hasFailed_ = true;
  }
}
