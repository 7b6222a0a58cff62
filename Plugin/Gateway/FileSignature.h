// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <ctime>
#include <string>
#include <sys/types.h>

namespace OrthancCors
{
  // What tells a file's new content from its old without reading it: the file
  // the path leads to (symbolic links followed, as certbot's live/ folder and a
  // Kubernetes secret's ..data link need), its size and its times. A file that
  // cannot be stat'ed has the signature of its error.
  struct FileSignature
  {
    int error = 0;          // errno of stat(), 0 when the file exists
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    timespec changed{};

    static FileSignature Of(const std::string& path);

    bool operator==(const FileSignature& other) const;
    bool operator!=(const FileSignature& other) const { return !(*this == other); }
  };

  // When to load a certificate and key pair again, from their signatures read
  // at regular intervals. A change is acted on once the files have stayed the
  // same for one interval (certbot or an operator writing the certificate, then
  // the key, is not caught half-way); a pair that failed to load is not tried
  // again until the files change once more.
  class ReloadSchedule
  {
  public:
    struct Signatures
    {
      FileSignature certificate;
      FileSignature privateKey;
      bool operator==(const Signatures& other) const
      {
        return certificate == other.certificate && privateKey == other.privateKey;
      }
    };

    explicit ReloadSchedule(const Signatures& loaded);

    // The files as they are now: true when they should be loaded.
    bool IsDue(const Signatures& current);

    // The outcome of the load that IsDue() asked for.
    void Loaded(const Signatures& signatures);
    void Failed(const Signatures& signatures);

  private:
    Signatures loaded_;
    Signatures lastSeen_;
    Signatures failed_;
    bool hasFailed_ = false;
  };
}
