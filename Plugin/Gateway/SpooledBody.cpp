// SPDX-License-Identifier: AGPL-3.0-or-later

#include "SpooledBody.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace OrthancCors
{
  namespace http = boost::beast::http;
  using boost::system::error_code;

  namespace
  {
    // One coroutine waits here until the other says something changed (bytes
    // to send, room to read into, or the end). Both run on one event loop: a
    // waiter checks its condition before waiting, so no notification is lost.
    // The waiting coroutine's handler is kept and posted on Notify(): no timer,
    // no lock, no system call.
    class WakeUp
    {
    public:
      explicit WakeUp(const boost::asio::any_io_executor& executor) : executor_(executor) {}

      auto Wait()
      {
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
          [this](auto handler) { waiter_.emplace(std::move(handler)); }, boost::asio::use_awaitable);
      }

      void Notify()
      {
        if (waiter_)
        {
          boost::asio::any_completion_handler<void()> waiter = std::move(*waiter_);
          waiter_.reset();
          boost::asio::post(executor_, std::move(waiter));
        }
      }

    private:
      boost::asio::any_io_executor executor_;
      std::optional<boost::asio::any_completion_handler<void()>> waiter_;
    };


    class Pipeline
    {
    public:
      Pipeline(const boost::asio::any_io_executor& executor, SpooledBodyEnds ends, ResponseSpool& spool,
               SpoolCounters counters, std::string_view head, int status, ClientFraming framing) :
        executor_(executor), ends_(ends), spool_(spool), counters_(counters), bytesReady_(executor),
        roomReady_(executor), writerDone_(executor), head_(head), status_(status), framing_(framing)
      {
      }

      // The head and the body bytes that came with it, written now if the client's
      // socket takes them without waiting (no copy into the spool); returns how
      // many body bytes went. Those that did not go are read into the spool first.
      std::uint64_t WriteHeadAndEarlyBytesNow(std::uint64_t length);

      // Reads Orthanc's body into the spool. While the client takes what comes
      // without waiting (plain TCP), it is written at once, here; once it does
      // not, WriteToClient() takes over beside, at the client's pace.
      MessageIo::Awaitable<void> ReadFromOrthanc(std::optional<std::uint64_t> length,
                                                 const std::function<void()>& bodyRead);

      // The end of the answer: what the reader left, at the client's pace.
      MessageIo::Awaitable<void> FinishWriting()
      {
        if (!writerStarted_)
        {
          co_await WriteToClient();
        }
        while (!writerFinished_)
        {
          co_await writerDone_.Wait();
        }
      }

      PumpResult Result() const
      {
        // The client's failure first: nobody is left to answer.
        PumpResult result = written_.outcome != PumpResult::Outcome::Done ? written_ :
          (read_.outcome != PumpResult::Outcome::Done ? read_ : written_);
        result.headWritten = written_.headWritten;
        result.bodyBytes = written_.bodyBytes;
        return result;
      }

    private:
      MessageIo::Awaitable<void> WriteToClient();

      // Writes what the client's socket takes now of the spool, the head's
      // unwritten part first; false when some is left (or the client is gone).
      bool WriteWhatTheClientTakesNow();

      // The head's unwritten part, then what the client's socket takes now of
      // `bytes`; returns how many of `bytes` went (a broken connection is noted).
      std::size_t WriteNowAfterTheHead(std::span<const char> bytes);

      // Orthanc's next bytes into `space`: those read with its head first.
      MessageIo::Awaitable<MessageIo::Transfer> ReadSome(std::span<char> space, bool knownLength);

      // The head's unwritten part (if any), then `piece`, framed.
      MessageIo::Awaitable<error_code> WritePiece(std::span<const char> piece, bool last);

      // Counts `written` bytes of a write that began with the head's unwritten part.
      void CountHead(std::uint64_t written);

      const boost::asio::any_io_executor executor_;
      SpooledBodyEnds ends_;
      ResponseSpool& spool_;
      SpoolCounters counters_;
      WakeUp bytesReady_;
      WakeUp roomReady_;
      WakeUp writerDone_;
      std::string_view head_;   // what of the head is not written yet
      const int status_;
      const ClientFraming framing_;
      bool writerStarted_ = false;
      bool readerFinished_ = false;
      bool writerFinished_ = false;
      PumpResult read_;
      PumpResult written_;
    };


    MessageIo::Awaitable<MessageIo::Transfer> Pipeline::ReadSome(std::span<char> space, bool knownLength)
    {
      boost::beast::flat_buffer& early = ends_.upstreamBuffer;
      if (knownLength)
      {
        if (early.size() > 0)
        {
          const std::size_t copied = boost::asio::buffer_copy(boost::asio::buffer(space.data(), space.size()),
                                                              early.data());
          early.consume(copied);
          co_return MessageIo::Transfer{error_code(), copied};
        }
        co_return co_await MessageIo::ReadSome(ends_.upstream.stream, boost::asio::buffer(space.data(), space.size()));
      }

      ends_.parser.get().body().data = space.data();
      ends_.parser.get().body().size = space.size();
      auto [error, ignored] = co_await MessageIo::ReadSomeBody(ends_.upstream.stream, early, ends_.parser);
      if (error == http::error::need_buffer)
      {
        error = {};   // the space is full
      }
      co_return MessageIo::Transfer{error, space.size() - ends_.parser.get().body().size};
    }


    MessageIo::Awaitable<void> Pipeline::ReadFromOrthanc(std::optional<std::uint64_t> length,
                                                         const std::function<void()>& bodyRead)
    {
      std::uint64_t remaining = length.value_or(0);
      bool done = length ? remaining == 0 : ends_.parser.is_done();
      while (!done && !writerFinished_ && written_.outcome == PumpResult::Outcome::Done)
      {
        const std::size_t wanted = length ? static_cast<std::size_t>(std::min<std::uint64_t>(
                                              remaining, ResponseSpool::BLOCK_SIZE)) : ResponseSpool::BLOCK_SIZE;
        const bool usedFile = spool_.UsedFile();
        const bool reachedLimits = spool_.ReachedLimits();
        const std::span<char> space = spool_.PrepareInput(wanted);
        if (spool_.ReachedLimits() && !reachedLimits)
        {
          counters_.unbuffered.Add();
        }
        if (space.empty())
        {
          co_await roomReady_.Wait();   // memory and file full: at the client's pace
          continue;
        }

        ends_.upstream.stream.Tcp().expires_after(ends_.upstream.timeout);
        const auto [error, got] = co_await ReadSome(space, length.has_value());
        spool_.CommitInput(got);
        if (spool_.UsedFile() && !usedFile)
        {
          counters_.spilled.Add();
        }
        if (got > 0 && writerStarted_)
        {
          bytesReady_.Notify();
        }
        else if (got > 0 && !WriteWhatTheClientTakesNow() && written_.outcome == PumpResult::Outcome::Done)
        {
          // The client is behind: from now on it is written to at its own pace, beside.
          writerStarted_ = true;
          boost::asio::co_spawn(executor_, WriteToClient(), boost::asio::detached);
        }
        if (error)
        {
          read_.outcome = PumpResult::Outcome::ReadFailed;
          read_.error = error;   // end of stream included: the body is cut short
          break;
        }
        remaining -= length ? got : 0;
        done = length ? remaining == 0 : ends_.parser.is_done();
      }
      ends_.upstream.stream.Tcp().expires_never();
      if (done)
      {
        bodyRead();
      }
      readerFinished_ = true;
      bytesReady_.Notify();
    }


    std::size_t Pipeline::WriteNowAfterTheHead(std::span<const char> bytes)
    {
      const std::array<boost::asio::const_buffer, 2> pieces{
        boost::asio::buffer(head_.data(), head_.size()), boost::asio::buffer(bytes.data(), bytes.size())};
      error_code failure;
      const std::size_t written = MessageIo::WriteNow(ends_.client.stream, pieces, failure);
      if (written > 0 && !head_.empty())
      {
        CountHead(written);
      }
      const std::size_t headWritten = std::min(written, head_.size());
      head_.remove_prefix(headWritten);
      written_.bodyBytes += written - headWritten;
      if (failure)
      {
        written_.outcome = PumpResult::Outcome::WriteFailed;
        written_.error = failure;
      }
      return written - headWritten;
    }


    bool Pipeline::WriteWhatTheClientTakesNow()
    {
      if (framing_ == ClientFraming::Chunked)
      {
        return false;   // (chunk framing is written by WriteToClient)
      }
      while (!spool_.IsEmpty())
      {
        const std::span<const char> piece = spool_.PeekOutput();
        if (spool_.Failed())
        {
          return false;
        }
        const std::size_t written = WriteNowAfterTheHead(piece);
        spool_.ConsumeOutput(written);
        if (written < piece.size() || written_.outcome != PumpResult::Outcome::Done)
        {
          return false;
        }
      }
      return true;
    }


    std::uint64_t Pipeline::WriteHeadAndEarlyBytesNow(std::uint64_t length)
    {
      boost::beast::flat_buffer& early = ends_.upstreamBuffer;
      const std::size_t earlySize = static_cast<std::size_t>(std::min<std::uint64_t>(early.size(), length));
      if (earlySize == 0)
      {
        return 0;   // the head waits for the first body byte
      }
      const std::size_t written = WriteNowAfterTheHead(
        std::span<const char>(static_cast<const char*>(early.data().data()), earlySize));
      early.consume(written);
      return written;
    }


    void Pipeline::CountHead(std::uint64_t written)
    {
      if (!written_.headWritten)
      {
        MessageIo::CountResponseHead(ends_.client.stream, status_, head_.size(), written);
        written_.headWritten = true;
      }
      else
      {
        ends_.client.stream.GetTraffic().headBytesWritten += std::min<std::uint64_t>(written, head_.size());
      }
    }


    MessageIo::Awaitable<void> Pipeline::WriteToClient()
    {
      // An answer Orthanc cuts is written as far as it came (then the connection
      // closes, as it would from Orthanc): a client gets the head whenever Orthanc
      // sent a body byte, whatever the timing, and otherwise a 502 from the relay.
      while (written_.outcome == PumpResult::Outcome::Done)
      {
        const std::span<const char> piece = spool_.PeekOutput();
        if (spool_.Failed())
        {
          // The temporary file cannot be read back: the answer cannot be completed.
          read_.outcome = PumpResult::Outcome::ReadFailed;
          read_.error = boost::asio::error::fault;
          break;
        }
        if (piece.empty())
        {
          if (readerFinished_ || read_.outcome != PumpResult::Outcome::Done)
          {
            break;
          }
          co_await bytesReady_.Wait();
          continue;
        }

        if (const error_code error = co_await WritePiece(piece, false))
        {
          written_.outcome = PumpResult::Outcome::WriteFailed;
          written_.error = error;
          break;
        }
        written_.bodyBytes += piece.size();
        spool_.ConsumeOutput(piece.size());
        roomReady_.Notify();
      }

      if (written_.outcome == PumpResult::Outcome::Done && read_.outcome == PumpResult::Outcome::Done &&
          (!head_.empty() || framing_ == ClientFraming::Chunked))
      {
        // The end: what is left of the head (an empty body), and the last chunk.
        if (const error_code error = co_await WritePiece({}, true))
        {
          written_.outcome = PumpResult::Outcome::WriteFailed;
          written_.error = error;
        }
      }
      ends_.client.stream.Tcp().expires_never();

      writerFinished_ = true;
      const bool abandoned = written_.outcome != PumpResult::Outcome::Done ||
        read_.outcome != PumpResult::Outcome::Done;
      if (abandoned && !readerFinished_)
      {
        // Nobody to send the rest to: Orthanc's connection is abandoned.
        ends_.upstream.stream.Tcp().cancel();
      }
      roomReady_.Notify();
      writerDone_.Notify();
    }


    MessageIo::Awaitable<error_code> Pipeline::WritePiece(std::span<const char> piece, bool last)
    {
      const auto [error, written] = co_await MessageIo::WriteFramedPiece(
        ends_.client.stream, ends_.client.timeout, head_, piece, framing_ == ClientFraming::Chunked, last);
      if (!head_.empty())
      {
        CountHead(written);
        if (!error)
        {
          head_ = {};
        }
      }
      co_return error;
    }
  }


  MessageIo::Awaitable<PumpResult> RelaySpooledBody(SpooledBodyEnds ends,
                                                    ResponseSpool& spool,
                                                    std::string_view head,
                                                    int status,
                                                    std::optional<std::uint64_t> length,
                                                    ClientFraming framing,
                                                    SpoolCounters counters,
                                                    const std::function<void()>& bodyRead)
  {
    // The reader here, the writer beside once the client is behind; the pipeline
    // lives until both are done.
    Pipeline pipeline(co_await boost::asio::this_coro::executor, ends, spool, counters, head, status, framing);
    if (length)
    {
      length = *length - pipeline.WriteHeadAndEarlyBytesNow(*length);
    }
    co_await pipeline.ReadFromOrthanc(length, bodyRead);
    co_await pipeline.FinishWriting();
    co_return pipeline.Result();
  }
}
