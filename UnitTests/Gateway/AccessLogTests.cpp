// SPDX-License-Identifier: AGPL-3.0-or-later

#include "TestGateway.h"
#include "TestTls.h"
#include "../../Plugin/Gateway/AccessLog.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  std::string ReadFile(const std::string& path)
  {
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
  }

  // Far longer than a test: rotation is checked only when a test asks for it.
  constexpr std::chrono::milliseconds RARELY{3600 * 1000};
}


TEST(AccessLog, LinesAreAppendedInOrder)
{
  TemporaryFolder folder;
  std::ofstream(folder.Path("access.log")) << "kept\n";
  MetricCounter dropped;
  RecordingLogger logger;
  {
    AccessLog log(folder.Path("access.log"), dropped, logger, RARELY);
    log.Write("one\n");
    log.Write("two\n");
    log.Flush();
    EXPECT_EQ("kept\none\ntwo\n", ReadFile(folder.Path("access.log")));
    log.Write("three\n");
  }
  // What was pending when the gateway stopped is written too.
  EXPECT_EQ("kept\none\ntwo\nthree\n", ReadFile(folder.Path("access.log")));
  EXPECT_EQ(0u, dropped.Get());
}


TEST(AccessLog, FileIsCreatedReadableByItsGroupOnly)
{
  TemporaryFolder folder;
  MetricCounter dropped;
  RecordingLogger logger;
  AccessLog log(folder.Path("new.log"), dropped, logger, RARELY);
  struct stat status;
  ASSERT_EQ(0, ::stat(folder.Path("new.log").c_str(), &status));
  EXPECT_EQ(0u, status.st_mode & 0007);
}


TEST(AccessLog, UnopenableFileIsAnErrorNamingTheKey)
{
  MetricCounter dropped;
  RecordingLogger logger;
  try
  {
    AccessLog log("/nonexistent-folder/access.log", dropped, logger, RARELY);
    FAIL() << "opened";
  }
  catch (const std::runtime_error& e)
  {
    EXPECT_EQ(0u, std::string(e.what()).find("Cors.Gateway.AccessLog: ")) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("/nonexistent-folder/access.log")) << e.what();
  }
}


// logrotate's default: the file is renamed, the writer must create a new one.
TEST(AccessLog, MovedFileIsReopenedWithoutASignal)
{
  TemporaryFolder folder;
  MetricCounter dropped;
  RecordingLogger logger;
  AccessLog log(folder.Path("access.log"), dropped, logger, std::chrono::milliseconds(50));
  log.Write("before\n");
  log.Flush();
  std::filesystem::rename(folder.Path("access.log"), folder.Path("access.log.1"));

  // Bounded: the writer looks every 50 ms.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::filesystem::exists(folder.Path("access.log")) && std::chrono::steady_clock::now() < deadline)
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(std::filesystem::exists(folder.Path("access.log")));
  log.Write("after\n");
  log.Flush();
  EXPECT_EQ("before\n", ReadFile(folder.Path("access.log.1")));
  EXPECT_EQ("after\n", ReadFile(folder.Path("access.log")));
}


// logrotate's copytruncate: the file is emptied in place; O_APPEND writes at its new end.
TEST(AccessLog, TruncatedFileIsWrittenFromItsStart)
{
  TemporaryFolder folder;
  MetricCounter dropped;
  RecordingLogger logger;
  AccessLog log(folder.Path("access.log"), dropped, logger, RARELY);
  log.Write("a long line before the truncation\n");
  log.Flush();
  std::filesystem::resize_file(folder.Path("access.log"), 0);
  log.Write("after\n");
  log.Flush();
  EXPECT_EQ("after\n", ReadFile(folder.Path("access.log")));   // no hole of zeros before it
}


// A disk that does not keep up (here a pipe nobody reads) never makes Write()
// wait: beyond MAX_PENDING_BYTES, lines are dropped and counted.
TEST(AccessLog, WorkersNeverWaitOnTheDisk)
{
  TemporaryFolder folder;
  const std::string fifo = folder.Path("access.fifo");
  ASSERT_EQ(0, ::mkfifo(fifo.c_str(), 0600));
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);

  MetricCounter dropped;
  RecordingLogger logger;
  const std::string line(1000, 'x');
  // More than the writer can hold: its batch in hand (blocked on the pipe) and the pending bytes.
  const std::size_t lines = 2 * AccessLog::MAX_PENDING_BYTES / line.size() + 2000;
  std::size_t drained = 0;
  std::thread drain;
  {
    AccessLog log(fifo, dropped, logger, RARELY);
    for (std::size_t i = 0; i < lines; i++)
    {
      log.Write(line);   // would block for ever if it waited on the pipe
    }
    EXPECT_GT(dropped.Get(), 0u);
    EXPECT_LT(dropped.Get(), lines);

    // Drain the pipe so that the writer can finish; the line count adds up.
    ::fcntl(reader, F_SETFL, ::fcntl(reader, F_GETFL) & ~O_NONBLOCK);
    drain = std::thread([reader, &drained]
    {
      char buffer[65536];
      for (;;)
      {
        const ssize_t count = ::read(reader, buffer, sizeof(buffer));
        if (count <= 0)
        {
          break;   // the writer closed its end
        }
        drained += static_cast<std::size_t>(count);
      }
    });
  }
  drain.join();
  ::close(reader);
  EXPECT_EQ((lines - dropped.Get()) * line.size(), drained);
}
