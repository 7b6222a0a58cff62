// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ResponseSpool.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <utility>

namespace OrthancCors
{
  bool TemporaryFileBudget::TryReserve(uint64_t bytes)
  {
    uint64_t used = used_.load(std::memory_order_relaxed);
    do
    {
      if (bytes > limit_ || used > limit_ - bytes)
      {
        return false;
      }
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    if (inUseGauge_ != nullptr)
    {
      inUseGauge_->Add(static_cast<int64_t>(bytes));
    }
    return true;
  }


  void TemporaryFileBudget::Release(uint64_t bytes)
  {
    used_.fetch_sub(bytes, std::memory_order_relaxed);
    if (inUseGauge_ != nullptr)
    {
      inUseGauge_->Add(-static_cast<int64_t>(bytes));
    }
  }


  ResponseSpool::ResponseSpool(const ResponseSpoolLimits& limits, TemporaryFileBudget& budget) :
    limits_(limits),
    budget_(budget),
    maxBlocks_(std::max<std::size_t>(1, (limits.memoryBytes + BLOCK_SIZE - 1) / BLOCK_SIZE))
  {
  }


  ResponseSpool::~ResponseSpool()
  {
    if (fileDescriptor_ >= 0)
    {
      ::close(fileDescriptor_);
    }
    budget_.Release(fileWritten_ + fileInputReserved_);
  }


  std::unique_ptr<char[]> ResponseSpool::TakeBlock()
  {
    if (!spareBlocks_.empty())
    {
      std::unique_ptr<char[]> block = std::move(spareBlocks_.back());
      spareBlocks_.pop_back();
      return block;
    }
    return std::make_unique_for_overwrite<char[]>(BLOCK_SIZE);
  }


  void ResponseSpool::GiveBackBlock(std::unique_ptr<char[]> block)
  {
    // One spare: a steady stream does not allocate a block for every block sent.
    if (spareBlocks_.empty())
    {
      spareBlocks_.push_back(std::move(block));
    }
  }


  std::span<char> ResponseSpool::PrepareInput(std::size_t wanted)
  {
    wanted = std::clamp<std::size_t>(wanted, 1, BLOCK_SIZE);
    if (!segments_.empty() && segments_.back().block)
    {
      Segment& back = segments_.back();
      if (back.begin == back.end)
      {
        back.begin = back.end = 0;   // sent in full: filled again from its start
      }
      if (back.end < BLOCK_SIZE)
      {
        inputTarget_ = InputTarget::Memory;
        return std::span<char>(back.block.get() + back.end, std::min(wanted, BLOCK_SIZE - back.end));
      }
    }
    if (memoryBlocks_ < maxBlocks_)
    {
      segments_.push_back(Segment{TakeBlock(), 0, 0});
      memoryBlocks_++;
      inputTarget_ = InputTarget::Memory;
      return std::span<char>(segments_.back().block.get(), wanted);
    }
    const std::span<char> fileInput = PrepareFileInput(wanted);
    if (fileInput.empty())
    {
      reachedLimits_ = true;
    }
    return fileInput;
  }


  std::span<char> ResponseSpool::PrepareFileInput(std::size_t wanted)
  {
    if (fileDisabled_ || fileWritten_ >= limits_.fileBytes)
    {
      return {};
    }
    const std::size_t size = static_cast<std::size_t>(std::min<uint64_t>(wanted, limits_.fileBytes - fileWritten_));
    if (!budget_.TryReserve(size))
    {
      return {};
    }
    if (fileDescriptor_ < 0 && !OpenFile())
    {
      budget_.Release(size);
      return {};
    }
    if (!fileInput_)
    {
      fileInput_ = std::make_unique_for_overwrite<char[]>(BLOCK_SIZE);
    }
    fileInputReserved_ = size;
    inputTarget_ = InputTarget::File;
    return std::span<char>(fileInput_.get(), size);
  }


  void ResponseSpool::CommitInput(std::size_t bytes)
  {
    const InputTarget target = inputTarget_;
    inputTarget_ = InputTarget::None;
    if (target == InputTarget::Memory)
    {
      segments_.back().end += bytes;
      pendingBytes_ += bytes;
    }
    else if (target == InputTarget::File)
    {
      CommitFileInput(bytes);
    }
  }


  void ResponseSpool::CommitFileInput(std::size_t bytes)
  {
    const std::size_t reserved = std::exchange(fileInputReserved_, 0);
    std::size_t written = 0;
    while (written < bytes)
    {
      const ssize_t result = ::pwrite(fileDescriptor_, fileInput_.get() + written, bytes - written,
                                      static_cast<off_t>(fileWritten_ + written));
      if (result < 0 && errno == EINTR)
      {
        continue;
      }
      if (result <= 0)
      {
        // The disk is full (or failing): the bytes read stay in memory, one block
        // over the bound once, and the rest of the answer streams.
        DisableFile(std::string("cannot write the temporary file: ") + std::strerror(result < 0 ? errno : ENOSPC));
        budget_.Release(reserved);
        segments_.push_back(Segment{std::move(fileInput_), 0, bytes});
        memoryBlocks_++;
        pendingBytes_ += bytes;
        return;
      }
      written += static_cast<std::size_t>(result);
    }

    budget_.Release(reserved - bytes);
    if (bytes == 0)
    {
      return;
    }
    if (!segments_.empty() && !segments_.back().block && segments_.back().end == fileWritten_)
    {
      segments_.back().end += bytes;
    }
    else
    {
      segments_.push_back(Segment{nullptr, static_cast<std::size_t>(fileWritten_),
                                  static_cast<std::size_t>(fileWritten_ + bytes)});
    }
    fileWritten_ += bytes;
    pendingBytes_ += bytes;
    fileEverUsed_ = true;
  }


  std::span<const char> ResponseSpool::PeekOutput()
  {
    while (segments_.size() > 1 && segments_.front().block && segments_.front().begin == segments_.front().end)
    {
      GiveBackBlock(std::move(segments_.front().block));
      memoryBlocks_--;
      segments_.erase(segments_.begin());
    }
    if (segments_.empty())
    {
      return {};
    }
    const Segment& front = segments_.front();
    if (front.block)
    {
      return std::span<const char>(front.block.get() + front.begin, front.end - front.begin);
    }
    if (fileOutputBegin_ == fileOutputEnd_)
    {
      if (!fileOutput_)
      {
        fileOutput_ = std::make_unique_for_overwrite<char[]>(BLOCK_SIZE);
      }
      const std::size_t wanted = std::min(BLOCK_SIZE, front.end - front.begin);
      ssize_t result;
      do
      {
        result = ::pread(fileDescriptor_, fileOutput_.get(), wanted, static_cast<off_t>(front.begin));
      } while (result < 0 && errno == EINTR);
      if (result <= 0)
      {
        fileFailure_ = std::string("cannot read the temporary file back: ") +
          std::strerror(result < 0 ? errno : EIO);
        failed_ = true;
        return {};
      }
      fileOutputBegin_ = 0;
      fileOutputEnd_ = static_cast<std::size_t>(result);
    }
    return std::span<const char>(fileOutput_.get() + fileOutputBegin_, fileOutputEnd_ - fileOutputBegin_);
  }


  void ResponseSpool::ConsumeOutput(std::size_t bytes)
  {
    if (bytes == 0)
    {
      return;
    }
    Segment& front = segments_.front();
    front.begin += bytes;
    pendingBytes_ -= bytes;
    if (!front.block)
    {
      fileOutputBegin_ += bytes;
    }
    if (front.begin < front.end || (front.block && segments_.size() == 1))
    {
      return;   // (the last block stays: the reader may be filling its end)
    }
    if (front.block)
    {
      GiveBackBlock(std::move(front.block));
      memoryBlocks_--;
    }
    segments_.erase(segments_.begin());
    ForgetFileIfDrained();
  }


  void ResponseSpool::ForgetFileIfDrained()
  {
    if (fileWritten_ == 0 || std::any_of(segments_.begin(), segments_.end(),
                                         [](const Segment& segment) { return !segment.block; }))
    {
      return;
    }
    // Every byte of the file is sent: its space goes back to the disk and the budget.
    if (::ftruncate(fileDescriptor_, 0) == 0)
    {
      budget_.Release(fileWritten_);
      fileWritten_ = 0;
    }
    fileOutputBegin_ = fileOutputEnd_ = 0;
  }


  bool ResponseSpool::OpenFile()
  {
    // Unnamed from the start where the file system can (O_TMPFILE), else named
    // and unlinked at once: nothing is left behind, whatever happens next.
    fileDescriptor_ = ::open(limits_.folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fileDescriptor_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
    {
      std::string name = limits_.folder + "/orthanc-cors-response-XXXXXX";
      fileDescriptor_ = ::mkostemp(name.data(), O_CLOEXEC);
      if (fileDescriptor_ >= 0)
      {
        ::unlink(name.c_str());
      }
    }
    if (fileDescriptor_ < 0)
    {
      DisableFile("cannot create a temporary file in " + limits_.folder + ": " + std::strerror(errno));
      return false;
    }
    return true;
  }


  void ResponseSpool::DisableFile(const std::string& why)
  {
    fileDisabled_ = true;
    if (fileFailure_.empty())
    {
      fileFailure_ = why;
    }
  }


  std::size_t ResponseSpool::MemoryBytes() const
  {
    const std::size_t blocks = memoryBlocks_ + spareBlocks_.size() + (fileInput_ ? 1 : 0) + (fileOutput_ ? 1 : 0);
    return blocks * BLOCK_SIZE;
  }
}
