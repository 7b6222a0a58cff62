// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Gateway/ResponseSpool.h"
#include "Folders/TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

using namespace OrthancCors;

namespace
{
  constexpr std::size_t BLOCK = ResponseSpool::BLOCK_SIZE;
  constexpr uint64_t MIB = 1024 * 1024;

  // The answer's byte at `offset`: a sequence that tells any two positions apart.
  char ByteAt(uint64_t offset)
  {
    return static_cast<char>((offset * 7919 + offset / 251) & 0xff);
  }

  std::size_t Fill(ResponseSpool& spool, uint64_t& produced, std::size_t wanted)
  {
    const std::span<char> space = spool.PrepareInput(wanted);
    for (std::size_t i = 0; i < space.size(); ++i)
    {
      space[i] = ByteAt(produced + i);
    }
    spool.CommitInput(space.size());
    produced += space.size();
    return space.size();
  }

  // Takes up to `wanted` bytes out and checks they are the next ones of the answer.
  std::size_t Drain(ResponseSpool& spool, uint64_t& consumed, std::size_t wanted)
  {
    const std::span<const char> piece = spool.PeekOutput();
    const std::size_t taken = std::min(wanted, piece.size());
    for (std::size_t i = 0; i < taken; ++i)
    {
      if (piece[i] != ByteAt(consumed + i))
      {
        ADD_FAILURE() << "byte " << consumed + i << " out of order";
        return 0;
      }
    }
    spool.ConsumeOutput(taken);
    consumed += taken;
    return taken;
  }

  std::size_t EntriesIn(const std::filesystem::path& folder)
  {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder),
                                                  std::filesystem::directory_iterator()));
  }
}


TEST(ResponseSpool, BytesComeOutInTheOrderTheyWentInThroughMemoryAndTheFile)
{
  TemporaryDirectory folder;
  TemporaryFileBudget budget(128 * MIB);
  ResponseSpool spool({4 * BLOCK, 128 * MIB, folder.GetPath().string()}, budget);

  // A fast Orthanc and a slow client, then the other way round, in uneven pieces.
  std::mt19937 random(7);
  uint64_t produced = 0;
  uint64_t consumed = 0;
  for (int round = 0; round < 4000; ++round)
  {
    const bool orthancAhead = (round / 500) % 2 == 0;
    Fill(spool, produced, 1 + random() % (orthancAhead ? 3 * BLOCK : BLOCK / 4));
    Drain(spool, consumed, 1 + random() % (orthancAhead ? BLOCK / 4 : 3 * BLOCK));
    ASSERT_EQ(produced - consumed, spool.PendingBytes());
  }
  while (!spool.IsEmpty())
  {
    ASSERT_GT(Drain(spool, consumed, BLOCK), 0u);
  }
  EXPECT_EQ(produced, consumed);
  EXPECT_TRUE(spool.UsedFile());
  EXPECT_FALSE(spool.ReachedLimits());
  EXPECT_TRUE(spool.FileFailure().empty());
}


TEST(ResponseSpool, MemoryStaysWithinItsBoundWhateverTheClientReads)
{
  TemporaryDirectory folder;
  TemporaryFileBudget budget(64 * MIB);
  ResponseSpool spool({4 * BLOCK, 16 * MIB, folder.GetPath().string()}, budget);

  uint64_t produced = 0;
  while (produced < 8 * MIB)
  {
    ASSERT_GT(Fill(spool, produced, BLOCK), 0u);
    // The bound, one spare block, and the file's two staging blocks.
    ASSERT_LE(spool.MemoryBytes(), 4 * BLOCK + 3 * BLOCK);
  }
  EXPECT_EQ(8 * MIB, spool.PendingBytes());
  EXPECT_GE(budget.InUse(), 8 * MIB - 4 * BLOCK);
}


TEST(ResponseSpool, TemporaryFileHasNoNameInItsFolder)
{
  TemporaryDirectory folder;
  TemporaryFileBudget budget(64 * MIB);
  ResponseSpool spool({BLOCK, 16 * MIB, folder.GetPath().string()}, budget);
  uint64_t produced = 0;
  while (produced < 4 * BLOCK)
  {
    Fill(spool, produced, BLOCK);
  }
  ASSERT_TRUE(spool.UsedFile());
  EXPECT_EQ(0u, EntriesIn(folder.GetPath()));
}


TEST(ResponseSpool, FileAllowanceOfOneAnswerIsABoundThenTheReaderWaits)
{
  TemporaryDirectory folder;
  TemporaryFileBudget budget(64 * MIB);
  ResponseSpool spool({BLOCK, 3 * BLOCK + 100, folder.GetPath().string()}, budget);

  uint64_t produced = 0;
  while (Fill(spool, produced, BLOCK) > 0)
  {
  }
  EXPECT_EQ(BLOCK + 3 * BLOCK + 100, produced);   // memory, then the file's allowance, not a byte more
  EXPECT_TRUE(spool.ReachedLimits());

  // Once the client has taken some, Orthanc is read again.
  uint64_t consumed = 0;
  Drain(spool, consumed, BLOCK);
  EXPECT_GT(Fill(spool, produced, BLOCK), 0u);
}


TEST(ResponseSpool, GatewayBudgetIsSharedByEveryAnswer)
{
  TemporaryDirectory folder;
  TemporaryFileBudget budget(2 * BLOCK);
  ResponseSpool first({BLOCK, 16 * MIB, folder.GetPath().string()}, budget);
  ResponseSpool second({BLOCK, 16 * MIB, folder.GetPath().string()}, budget);

  uint64_t producedFirst = 0;
  uint64_t producedSecond = 0;
  while (Fill(first, producedFirst, BLOCK) > 0)
  {
  }
  EXPECT_EQ(3 * BLOCK, producedFirst);   // its memory and the whole budget
  EXPECT_EQ(2 * BLOCK, budget.InUse());

  EXPECT_EQ(BLOCK, Fill(second, producedSecond, BLOCK));   // its memory only
  EXPECT_EQ(0u, Fill(second, producedSecond, BLOCK));
  EXPECT_TRUE(second.ReachedLimits());
}


TEST(ResponseSpool, FileSentInFullGivesItsSpaceBack)
{
  TemporaryDirectory folder;
  TemporaryFileBudget budget(64 * MIB);
  ResponseSpool spool({BLOCK, 16 * MIB, folder.GetPath().string()}, budget);

  uint64_t produced = 0;
  uint64_t consumed = 0;
  while (produced < 5 * BLOCK)
  {
    Fill(spool, produced, BLOCK);
  }
  EXPECT_EQ(4 * BLOCK, budget.InUse());
  while (!spool.IsEmpty())
  {
    Drain(spool, consumed, BLOCK);
  }
  EXPECT_EQ(0u, budget.InUse());

  // And the file is used again from its start.
  while (produced < 8 * BLOCK)
  {
    Fill(spool, produced, BLOCK);
  }
  EXPECT_EQ(2 * BLOCK, budget.InUse());
}


TEST(ResponseSpool, AnswerGoneGivesTheBudgetBack)
{
  TemporaryDirectory folder;
  TemporaryFileBudget budget(64 * MIB);
  {
    ResponseSpool spool({BLOCK, 16 * MIB, folder.GetPath().string()}, budget);
    uint64_t produced = 0;
    while (produced < 6 * BLOCK)
    {
      Fill(spool, produced, BLOCK);
    }
    // An input prepared and never committed: the client went away mid-read.
    EXPECT_FALSE(spool.PrepareInput(BLOCK).empty());
    EXPECT_GT(budget.InUse(), 0u);
  }
  EXPECT_EQ(0u, budget.InUse());
}


TEST(ResponseSpool, UnusableFolderMeansStreamingAtTheClientsPaceNotLostBytes)
{
  TemporaryFileBudget budget(64 * MIB);
  ResponseSpool spool({2 * BLOCK, 16 * MIB, "/nonexistent/orthanc-cors"}, budget);

  uint64_t produced = 0;
  while (Fill(spool, produced, BLOCK) > 0)
  {
  }
  EXPECT_EQ(2 * BLOCK, produced);
  EXPECT_TRUE(spool.ReachedLimits());
  EXPECT_NE(std::string::npos, spool.FileFailure().find("/nonexistent/orthanc-cors"));
  EXPECT_EQ(0u, budget.InUse());

  uint64_t consumed = 0;
  while (!spool.IsEmpty())
  {
    Drain(spool, consumed, BLOCK / 3);
  }
  EXPECT_EQ(produced, consumed);
}


TEST(ResponseSpool, NoTemporaryFileWhenItsAllowanceIsZero)
{
  TemporaryDirectory folder;
  TemporaryFileBudget budget(64 * MIB);
  ResponseSpool spool({BLOCK, 0, folder.GetPath().string()}, budget);
  uint64_t produced = 0;
  while (Fill(spool, produced, BLOCK) > 0)
  {
  }
  EXPECT_EQ(BLOCK, produced);
  EXPECT_FALSE(spool.UsedFile());
  EXPECT_TRUE(spool.FileFailure().empty());
}
