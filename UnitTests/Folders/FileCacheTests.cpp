#include "Folders/FileCache.h"
#include "TemporaryDirectory.h"

#include <gtest/gtest.h>

namespace OrthancCors
{
  TEST(FileCache, UnchangedFileIsNotReadAgain)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "content");
    FileCache cache;

    const auto first = cache.Get(path, true);
    const auto second = cache.Get(path, true);
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
    const auto before = cache.Get(path, true);

    directory.Write("app.js", "version 2 is longer");
    const auto after = cache.Get(path, true);
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
    const auto before = cache.Get(path, true);

    directory.Write("app.js", "bbbb");
    std::filesystem::last_write_time(path, mtime);
    const auto after = cache.Get(path, true);
    ASSERT_TRUE(before && after);
    EXPECT_EQ("bbbb", *after->content);
    EXPECT_NE(before->tag, after->tag);
  }


  TEST(FileCache, FileReplacedByRenameIsReloaded)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "old!");
    FileCache cache;
    ASSERT_EQ("old!", *cache.Get(path, true)->content);

    const auto replacement = directory.Write("app.js.tmp", "new!");
    std::filesystem::last_write_time(replacement, std::filesystem::last_write_time(path));
    std::filesystem::rename(replacement, path);
    EXPECT_EQ("new!", *cache.Get(path, true)->content);
  }


  TEST(FileCache, SameContentGivesSameTag)
  {
    TemporaryDirectory directory;
    const auto a = directory.Write("a.js", "same");
    const auto b = directory.Write("b.js", "same");
    directory.SetModificationTime("b.js", 1000);
    FileCache cache;
    EXPECT_EQ(cache.Get(a, true)->tag, cache.Get(b, true)->tag);
  }


  TEST(FileCache, LeastRecentlyUsedFileIsEvictedBeyondCapacity)
  {
    TemporaryDirectory directory;
    const auto a = directory.Write("a", "123456");
    const auto b = directory.Write("b", "123456");
    const auto c = directory.Write("c", "123456");
    FileCache cache(FileCacheLimits{ 12, 12 });

    const auto firstA = cache.Get(a, true);
    cache.Get(b, true);
    EXPECT_EQ(firstA->content.get(), cache.Get(a, true)->content.get());   // a is now the most recent
    cache.Get(c, true);                                                    // evicts b
    EXPECT_EQ(12u, cache.GetCachedBytes());
    EXPECT_EQ(firstA->content.get(), cache.Get(a, true)->content.get());

    const auto firstB = cache.Get(b, true);   // reloaded, evicts c
    EXPECT_EQ("123456", *firstB->content);
    EXPECT_EQ(12u, cache.GetCachedBytes());
  }


  TEST(FileCache, FileAboveTheCapIsReadOnEachRequestAndNotKept)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("big.bin", "0123456789");
    FileCache cache(FileCacheLimits{ 100, 4 });

    const auto withoutContent = cache.Get(path, false);
    ASSERT_TRUE(withoutContent);
    EXPECT_EQ(nullptr, withoutContent->content);
    EXPECT_EQ(10u, withoutContent->size);

    const auto first = cache.Get(path, true);
    const auto second = cache.Get(path, true);
    EXPECT_EQ("0123456789", *first->content);
    EXPECT_NE(first->content.get(), second->content.get());
    EXPECT_EQ(withoutContent->tag, first->tag);
    EXPECT_EQ(0u, cache.GetCachedBytes());
  }


  TEST(FileCache, MissingFileOrDirectoryIsNotFound)
  {
    TemporaryDirectory directory;
    directory.MakeDirectory("folder");
    FileCache cache;
    EXPECT_FALSE(cache.Get(directory.GetPath() / "missing", true));
    EXPECT_FALSE(cache.Get(directory.GetPath() / "folder", true));
  }


  TEST(FileCache, DeletedFileIsNoLongerServed)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("app.js", "content");
    FileCache cache;
    ASSERT_TRUE(cache.Get(path, true));
    std::filesystem::remove(path);
    EXPECT_FALSE(cache.Get(path, true));
    EXPECT_EQ(0u, cache.GetCachedBytes());
  }
}
