// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/Metrics.h"

#include <boost/container/small_vector.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace OrthancCors
{
  // The bytes of temporary files that every answer of one gateway may hold at
  // once (Cors.Gateway.ResponseTemporaryFilesLimit). Thread-safe.
  class TemporaryFileBudget
  {
  public:
    // `inUse`, when given, follows the bytes reserved (a metric).
    explicit TemporaryFileBudget(uint64_t limit, MetricGauge* inUse = nullptr) : limit_(limit), inUseGauge_(inUse) {}

    bool TryReserve(uint64_t bytes);
    void Release(uint64_t bytes);
    uint64_t InUse() const { return used_.load(std::memory_order_relaxed); }
    uint64_t Limit() const { return limit_; }

  private:
    const uint64_t limit_;
    MetricGauge* const inUseGauge_;
    std::atomic<uint64_t> used_{0};
  };


  struct ResponseSpoolLimits
  {
    std::size_t memoryBytes;         // Cors.Gateway.ResponseBufferSize, rounded up to whole blocks
    uint64_t fileBytes;              // Cors.Gateway.ResponseTemporaryFileLimit: 0 = no temporary file
    std::string folder;              // where the temporary file is made (Cors.Gateway.ResponseTemporaryFolder)
  };


  // An answer's body between Orthanc and the client, first in, first out, so that
  // Orthanc is read at its own pace and the client at its own, as nginx's proxy
  // buffering does: bytes go to memory blocks up to a bound, then to a temporary
  // file, unnamed (no path to leak or to leave behind), up to a bound of its own
  // and of the gateway's TemporaryFileBudget. When both are full, the reader
  // waits for the writer: the answer streams at the client's pace.
  // Not thread-safe: the reader and the writer of one answer run on one event loop.
  class ResponseSpool
  {
  public:
    static constexpr std::size_t BLOCK_SIZE = 64 * 1024;

    ResponseSpool(const ResponseSpoolLimits& limits, TemporaryFileBudget& budget);
    ~ResponseSpool();   // closes the file (the system frees it) and gives its bytes back to the budget

    ResponseSpool(const ResponseSpool&) = delete;
    ResponseSpool& operator=(const ResponseSpool&) = delete;

    // Where the next bytes from Orthanc go (at most `wanted`); empty when memory
    // and file are full: wait until ConsumeOutput() makes room. The space stays
    // where it is until CommitInput(), whatever the writer does meanwhile.
    std::span<char> PrepareInput(std::size_t wanted);

    // `bytes` of the space PrepareInput() gave are filled (0 is fine).
    void CommitInput(std::size_t bytes);

    // The oldest bytes not sent yet, in one piece (a file's bytes are read into
    // memory first); empty when none are pending. Valid until ConsumeOutput().
    std::span<const char> PeekOutput();

    void ConsumeOutput(std::size_t bytes);

    bool IsEmpty() const { return pendingBytes_ == 0; }
    uint64_t PendingBytes() const { return pendingBytes_; }

    // Whether a temporary file took some of the answer; whether the answer ever
    // found memory and file full (it then streamed at the client's pace).
    bool UsedFile() const { return fileEverUsed_; }
    bool ReachedLimits() const { return reachedLimits_; }

    // Why the temporary file could not be used, once, for the log: its folder
    // refused it, or a write failed (the disk is full). Empty otherwise.
    const std::string& FileFailure() const { return fileFailure_; }

    // The temporary file could not be read back: the answer cannot be completed.
    bool Failed() const { return failed_; }

    // The bytes of memory the spool holds now, for the tests.
    std::size_t MemoryBytes() const;

  private:
    struct Segment
    {
      std::unique_ptr<char[]> block;   // null: a range of the temporary file
      std::size_t begin = 0;           // in the block, or offset in the file
      std::size_t end = 0;
    };

    std::unique_ptr<char[]> TakeBlock();
    void GiveBackBlock(std::unique_ptr<char[]> block);
    bool OpenFile();
    void DisableFile(const std::string& why);
    std::span<char> PrepareFileInput(std::size_t wanted);
    void CommitFileInput(std::size_t bytes);
    void ForgetFileIfDrained();

    const ResponseSpoolLimits limits_;
    TemporaryFileBudget& budget_;
    const std::size_t maxBlocks_;

    // Oldest first; a few at a time (memory blocks, file ranges between them).
    boost::container::small_vector<Segment, 8> segments_;
    std::size_t memoryBlocks_ = 0;    // blocks among segments_
    std::vector<std::unique_ptr<char[]>> spareBlocks_;
    uint64_t pendingBytes_ = 0;

    enum class InputTarget { None, Memory, File };
    InputTarget inputTarget_ = InputTarget::None;

    int fileDescriptor_ = -1;
    bool fileDisabled_ = false;
    bool fileEverUsed_ = false;
    bool reachedLimits_ = false;
    bool failed_ = false;
    std::string fileFailure_;
    uint64_t fileWritten_ = 0;       // the file's size: where the next bytes go
    uint64_t fileReserved_ = 0;      // of the budget, the file's size and the staged input's space
    std::unique_ptr<char[]> fileInput_;    // Orthanc's bytes on their way to the file
    std::size_t fileInputReserved_ = 0;
    std::unique_ptr<char[]> fileOutput_;   // the file's bytes on their way to the client
    std::size_t fileOutputBegin_ = 0;
    std::size_t fileOutputEnd_ = 0;
  };
}
