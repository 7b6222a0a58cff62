#include "SpooledBody.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace OrthancCors
{
  namespace http = boost::beast::http;
  using boost::system::error_code;

  namespace
  {
    // One coroutine waits here until the other says something changed (bytes
    // to send, room to read into, or the end). Both run on one event loop: a
    // waiter checks its condition before waiting, so no notification is lost.
    class WakeUp
    {
    public:
      explicit WakeUp(const boost::asio::any_io_executor& executor) : timer_(executor) {}

      MessageIo::Awaitable<void> Wait()
      {
        timer_.expires_at(boost::asio::steady_timer::time_point::max());
        co_await timer_.async_wait(MessageIo::AS_TUPLE);
      }

      void Notify()
      {
        timer_.cancel();
      }

    private:
      boost::asio::steady_timer timer_;
    };


    class Pipeline
    {
    public:
      Pipeline(const boost::asio::any_io_executor& executor, SpooledBodyEnds ends, ResponseSpool& spool,
               SpoolCounters counters) :
        ends_(ends), spool_(spool), counters_(counters), bytesReady_(executor), roomReady_(executor)
      {
      }

      MessageIo::Awaitable<void> ReadFromOrthanc(std::optional<std::uint64_t> length,
                                                 const std::function<void()>& bodyRead);

      MessageIo::Awaitable<void> WriteToClient(std::string_view head, int status, ClientFraming framing);

      PumpResult Result() const
      {
        // The client's failure first: nobody is left to answer.
        return written_.outcome != PumpResult::Outcome::Done ? written_ :
          (read_.outcome != PumpResult::Outcome::Done ? read_ : written_);
      }

    private:
      // Orthanc's next bytes into `space`: those read with its head first.
      MessageIo::Awaitable<MessageIo::Transfer> ReadSome(std::span<char> space, bool knownLength);

      MessageIo::Awaitable<error_code> WritePiece(std::string_view head, int status, std::span<const char> piece,
                                                  ClientFraming framing, bool last);

      SpooledBodyEnds ends_;
      ResponseSpool& spool_;
      SpoolCounters counters_;
      WakeUp bytesReady_;
      WakeUp roomReady_;
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
      while (!done && !writerFinished_)
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
        if (got > 0)
        {
          bytesReady_.Notify();
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


    MessageIo::Awaitable<void> Pipeline::WriteToClient(std::string_view head, int status, ClientFraming framing)
    {
      bool headWritten = false;
      for (;;)
      {
        if (read_.outcome != PumpResult::Outcome::Done)
        {
          break;   // cut short: the connection closes, what is left is of no use
        }
        const std::span<const char> piece = spool_.PeekOutput();
        if (spool_.Failed())
        {
          written_.outcome = PumpResult::Outcome::WriteFailed;
          written_.error = boost::asio::error::fault;
          break;
        }
        if (piece.empty())
        {
          if (readerFinished_)
          {
            break;
          }
          co_await bytesReady_.Wait();
          continue;
        }

        if (const error_code error = co_await WritePiece(headWritten ? std::string_view() : head, status, piece,
                                                         framing, false))
        {
          written_.outcome = PumpResult::Outcome::WriteFailed;
          written_.error = error;
          break;
        }
        headWritten = true;
        written_.bodyBytes += piece.size();
        spool_.ConsumeOutput(piece.size());
        roomReady_.Notify();
      }

      if (written_.outcome == PumpResult::Outcome::Done && read_.outcome == PumpResult::Outcome::Done &&
          (!headWritten || framing == ClientFraming::Chunked))
      {
        // The end: the head of an empty body, and the last chunk.
        if (const error_code error = co_await WritePiece(headWritten ? std::string_view() : head, status, {},
                                                         framing, true))
        {
          written_.outcome = PumpResult::Outcome::WriteFailed;
          written_.error = error;
        }
      }
      ends_.client.stream.Tcp().expires_never();

      writerFinished_ = true;
      if (written_.outcome != PumpResult::Outcome::Done && !readerFinished_)
      {
        // Nobody to send the rest to: Orthanc's connection is abandoned.
        ends_.upstream.stream.Tcp().cancel();
      }
      roomReady_.Notify();
    }


    MessageIo::Awaitable<error_code> Pipeline::WritePiece(std::string_view head, int status,
                                                          std::span<const char> piece, ClientFraming framing, bool last)
    {
      const auto [error, written] = co_await MessageIo::WriteFramedPiece(
        ends_.client.stream, ends_.client.timeout, head, piece, framing == ClientFraming::Chunked, last);
      if (!head.empty())
      {
        MessageIo::CountResponseHead(ends_.client.stream, status, head.size(), written);
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
    using namespace boost::asio::experimental::awaitable_operators;
    Pipeline pipeline(co_await boost::asio::this_coro::executor, ends, spool, counters);
    co_await (pipeline.ReadFromOrthanc(length, bodyRead) && pipeline.WriteToClient(head, status, framing));
    co_return pipeline.Result();
  }
}
