// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Folders/FileCache.h"
#include "TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace OrthancCors
{
  TEST(FileCache, UnchangedFileIsNotReadAgain)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "content");
    FileCache cache;

    const auto first = cache.Get(path);
    const auto second = cache.Get(path);
    ASSERT_TRUE(first && second);
    EXPECT_EQ("content", *first->content);
    EXPECT_EQ(first->content.get(), second->content.get());   // the same bytes in memory
    EXPECT_EQ(first->tag, second->tag);
    EXPECT_EQ(7u, cache.GetCachedBytes());
  }


  TEST(FileCache, RewrittenFileWithNewMtimeIsReloaded)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "version 1");
    directory.SetModificationTime("app.js", 100);
    FileCache cache;
    const auto before = cache.Get(path);

    directory.Write("app.js", "version 2 is longer");
    const auto after = cache.Get(path);
    ASSERT_TRUE(before && after);
    EXPECT_EQ("version 2 is longer", *after->content);
    EXPECT_NE(before->tag, after->tag);
  }


  TEST(FileCache, RewrittenFileWithSameSizeAndRestoredMtimeIsReloaded)
  {
    // Copies that preserve times (rsync -t, cp -p) keep size and mtime; the change
    // time still moves.
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "aaaa");
    const auto mtime = std::filesystem::last_write_time(path);
    FileCache cache;
    const auto before = cache.Get(path);

    directory.WaitUntilFileTimesPass("app.js");
    directory.Write("app.js", "bbbb");
    std::filesystem::last_write_time(path, mtime);
    const auto after = cache.Get(path);
    ASSERT_TRUE(before && after);
    EXPECT_EQ("bbbb", *after->content);
    EXPECT_NE(before->tag, after->tag);
  }


  TEST(FileCache, FileReplacedByRenameIsReloaded)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "old!");
    FileCache cache;
    ASSERT_EQ("old!", *cache.Get(path)->content);

    const auto replacement = directory.Write("app.js.tmp", "new!");
    std::filesystem::last_write_time(replacement, std::filesystem::last_write_time(path));
    std::filesystem::rename(replacement, path);
    EXPECT_EQ("new!", *cache.Get(path)->content);
  }


  TEST(FileCache, SameContentGivesSameTag)
  {
    TemporaryDirectory directory;
    const auto a = directory.Write("a.js", "same");
    const auto b = directory.Write("b.js", "same");
    directory.SetModificationTime("b.js", 1000);
    FileCache cache;
    EXPECT_EQ(cache.Get(a)->tag, cache.Get(b)->tag);
  }


  TEST(FileCache, LeastRecentlyUsedFileIsEvictedBeyondCapacity)
  {
    TemporaryDirectory directory;
    const auto a = directory.Write("a", "123456");
    const auto b = directory.Write("b", "123456");
    const auto c = directory.Write("c", "123456");
    FileCache cache(FileCacheLimits{ 12, 12 });

    const auto firstA = cache.Get(a);
    cache.Get(b);
    EXPECT_EQ(firstA->content.get(), cache.Get(a)->content.get());   // a is now the most recent
    cache.Get(c);                                                    // evicts b
    EXPECT_EQ(12u, cache.GetCachedBytes());
    EXPECT_EQ(firstA->content.get(), cache.Get(a)->content.get());

    const auto firstB = cache.Get(b);   // reloaded, evicts c
    EXPECT_EQ("123456", *firstB->content);
    EXPECT_EQ(12u, cache.GetCachedBytes());
  }


  TEST(FileCache, FileAboveTheCapIsHandedOverOpenAndNeverRead)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("big.bin", "0123456789");
    FileCache cache(FileCacheLimits{ 100, 4 });

    const auto first = cache.Get(path);
    const auto second = cache.Get(path);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(nullptr, first->content);
    ASSERT_NE(nullptr, first->openFile);
    EXPECT_EQ(10u, first->size);
    EXPECT_EQ(10u, first->openFile->GetVersion().size);
    EXPECT_NE(first->openFile.get(), second->openFile.get());   // opened for each answer
    EXPECT_EQ(first->tag, second->tag);
    EXPECT_EQ(0u, cache.GetCachedBytes());

    char bytes[4];
    ASSERT_EQ(4u, first->openFile->ReadAt(6, bytes, sizeof(bytes)));
    EXPECT_EQ("6789", std::string(bytes, 4));
  }


  TEST(FileCache, FileAboveTheCapGetsANewTagWhenRewrittenInPlace)
  {
    // Same size, mtime restored: only the change time tells (the tag is not a hash here).
    TemporaryDirectory directory;
    const auto path = directory.Write("big.bin", "0123456789");
    const auto mtime = std::filesystem::last_write_time(path);
    FileCache cache(FileCacheLimits{ 100, 4 });
    const auto before = cache.Get(path);

    directory.WaitUntilFileTimesPass("big.bin");
    directory.Write("big.bin", "abcdefghij");
    std::filesystem::last_write_time(path, mtime);
    const auto after = cache.Get(path);
    ASSERT_TRUE(before && after);
    EXPECT_NE(before->tag, after->tag);
  }


  TEST(FileCache, CachedFileIsHeldInMemoryNotOpen)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "content");
    FileCache cache;
    const auto file = cache.Get(path);
    ASSERT_TRUE(file);
    EXPECT_EQ(nullptr, file->openFile);
    EXPECT_EQ("content", *file->content);
  }


  TEST(FileCache, FifoIsNotFoundWithoutWaitingForAWriter)
  {
    TemporaryDirectory directory;
    const auto path = directory.GetPath() / "pipe.js";
    ASSERT_EQ(0, ::mkfifo(path.c_str(), 0644));
    FileCache cache;
    EXPECT_FALSE(cache.Get(path));   // returns at once: open() alone would block
  }


  TEST(FileCache, MissingFileOrDirectoryIsNotFound)
  {
    TemporaryDirectory directory;
    directory.MakeDirectory("folder");
    FileCache cache;
    EXPECT_FALSE(cache.Get(directory.GetPath() / "missing"));
    EXPECT_FALSE(cache.Get(directory.GetPath() / "folder"));
  }


  TEST(FileCache, DeletedFileIsNoLongerServed)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "content");
    FileCache cache;
    ASSERT_TRUE(cache.Get(path));
    std::filesystem::remove(path);
    EXPECT_FALSE(cache.Get(path));
    EXPECT_EQ(0u, cache.GetCachedBytes());
  }
}
