// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace OrthancCors
{
  // A fresh directory under the system's temporary directory, removed with its
  // content when the test ends.
  class TemporaryDirectory
  {
  public:
    TemporaryDirectory()
    {
      std::string pattern = (std::filesystem::temp_directory_path() / "orthanc-cors-folders-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr)
      {
        throw std::runtime_error("cannot create a temporary directory");
      }
      path_ = pattern;
    }

    ~TemporaryDirectory()
    {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }

    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

    const std::filesystem::path& GetPath() const
    {
      return path_;
    }

    // Writes `content` to `relativePath` (parents created), returns the full path.
    std::filesystem::path Write(const std::string& relativePath, const std::string& content) const
    {
      const std::filesystem::path file = path_ / relativePath;
      std::filesystem::create_directories(file.parent_path());
      std::ofstream stream(file, std::ios::binary | std::ios::trunc);
      stream << content;
      stream.close();
      if (!stream)
      {
        throw std::runtime_error("cannot write " + file.string());
      }
      return file;
    }

    // Sets the modification time of `relativePath` to `secondsAgo` before now.
    void SetModificationTime(const std::string& relativePath, int secondsAgo) const
    {
      std::filesystem::last_write_time(path_ / relativePath,
                                       std::filesystem::file_time_type::clock::now() - std::chrono::seconds(secondsAgo));
    }

    // Returns once a file written now gets a later change time than `relativePath`
    // has: before Linux 6.13, file times come from a clock that ticks every few
    // milliseconds, and a rewrite right after a write may keep the same times.
    void WaitUntilFileTimesPass(const std::string& relativePath) const
    {
      struct stat reference;
      if (::stat((path_ / relativePath).c_str(), &reference) != 0)
      {
        throw std::runtime_error("cannot stat " + relativePath);
      }
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while (std::chrono::steady_clock::now() < deadline)
      {
        struct stat probe;
        if (::stat(Write(".file-clock-probe", "").c_str(), &probe) == 0 &&
            (probe.st_ctim.tv_sec > reference.st_ctim.tv_sec ||
             (probe.st_ctim.tv_sec == reference.st_ctim.tv_sec && probe.st_ctim.tv_nsec > reference.st_ctim.tv_nsec)))
        {
          return;
        }
      }
      throw std::runtime_error("the file clock did not advance within 2 s");
    }

    std::filesystem::path MakeDirectory(const std::string& relativePath) const
    {
      std::filesystem::create_directories(path_ / relativePath);
      return path_ / relativePath;
    }

    void Symlink(const std::filesystem::path& target, const std::string& linkRelativePath) const
    {
      std::filesystem::create_symlink(target, path_ / linkRelativePath);
    }

  private:
    std::filesystem::path path_;
  };
}
