// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Folders/FolderBody.h"
#include "Folders/OpenFile.h"
#include "TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <stdexcept>

namespace OrthancCors
{
  TEST(OpenFile, ReadsAtAnyOffset)
  {
    TemporaryDirectory directory;
    const auto file = OpenFile::Open(directory.Write("data.bin", "0123456789"));
    ASSERT_NE(nullptr, file);
    EXPECT_EQ(10u, file->GetVersion().size);
    EXPECT_EQ("345", file->ReadExactly(3, 3));
    char bytes[8];
    EXPECT_EQ(2u, file->ReadAt(8, bytes, sizeof(bytes)));   // fewer at the end
    EXPECT_EQ(0u, file->ReadAt(10, bytes, sizeof(bytes)));
  }


  TEST(OpenFile, MissingDirectoryAndFifoAreNotOpened)
  {
    TemporaryDirectory directory;
    directory.MakeDirectory("folder");
    const auto fifo = directory.GetPath() / "pipe";
    ASSERT_EQ(0, ::mkfifo(fifo.c_str(), 0644));
    EXPECT_EQ(nullptr, OpenFile::Open(directory.GetPath() / "missing"));
    EXPECT_EQ(nullptr, OpenFile::Open(directory.GetPath() / "folder"));
    EXPECT_EQ(nullptr, OpenFile::Open(fifo));   // at once, without a writer
  }


  TEST(OpenFile, FileDeletedAfterOpeningIsStillReadWhole)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("data.bin", "0123456789");
    const auto file = OpenFile::Open(path);
    ASSERT_NE(nullptr, file);
    std::filesystem::remove(path);
    EXPECT_EQ("0123456789", file->ReadExactly(0, 10));
    EXPECT_TRUE(file->IsUnchanged());
  }


  TEST(OpenFile, FileReplacedByRenameAfterOpeningReadsTheOpenedVersion)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("data.bin", "version 1!");
    const auto file = OpenFile::Open(path);
    ASSERT_NE(nullptr, file);
    std::filesystem::rename(directory.Write("data.tmp", "version 2!"), path);
    EXPECT_EQ("version 1!", file->ReadExactly(0, 10));
    EXPECT_TRUE(file->IsUnchanged());
  }


  TEST(OpenFile, FileTruncatedAfterOpeningIsDetected)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("data.bin", "0123456789");
    const auto file = OpenFile::Open(path);
    ASSERT_NE(nullptr, file);
    std::filesystem::resize_file(path, 4);
    EXPECT_FALSE(file->IsUnchanged());
    EXPECT_THROW(file->ReadExactly(0, 10), std::runtime_error);
  }


  TEST(OpenFile, FileWrittenInPlaceAfterOpeningIsDetected)
  {
    TemporaryDirectory directory;
    const auto path = directory.Write("data.bin", "0123456789");
    directory.SetModificationTime("data.bin", 100);
    const auto file = OpenFile::Open(path);
    ASSERT_NE(nullptr, file);
    directory.Write("data.bin", "abcdefghij");   // same size, same inode
    EXPECT_FALSE(file->IsUnchanged());
  }


  TEST(OpenFile, FileWrittenInPlaceWithItsTimesRestoredIsDetected)
  {
    // rsync --inplace -t: same size, same modification time; the change time moves.
    TemporaryDirectory directory;
    const auto path = directory.Write("data.bin", "0123456789");
    const auto mtime = std::filesystem::last_write_time(path);
    const auto file = OpenFile::Open(path);
    ASSERT_NE(nullptr, file);
    directory.WaitUntilFileTimesPass("data.bin");
    directory.Write("data.bin", "abcdefghij");
    std::filesystem::last_write_time(path, mtime);
    EXPECT_FALSE(file->IsUnchanged());
  }


  TEST(FolderBody, SliceOfAFileBodyKeepsTheFileAndMovesTheOffset)
  {
    TemporaryDirectory directory;
    const FolderBody whole = FolderBody::InFile(OpenFile::Open(directory.Write("data.bin", "0123456789")));
    EXPECT_TRUE(whole.IsInFile());
    EXPECT_EQ(10u, whole.GetSize());

    const FolderBody slice = whole.Slice(ByteRange{2, 5}).Slice(ByteRange{1, 3});
    EXPECT_TRUE(slice.IsInFile());
    EXPECT_EQ(3u, slice.GetFileOffset());
    EXPECT_EQ(3u, slice.GetSize());
    EXPECT_EQ("345", slice.Loaded().GetMemory());
    EXPECT_FALSE(slice.Loaded().IsInFile());
  }


  TEST(FolderBody, SliceOfAMemoryBodySharesTheBytes)
  {
    const auto content = std::make_shared<const std::string>("0123456789");
    const FolderBody slice = FolderBody::InMemory(content).Slice(ByteRange{7, 3});
    EXPECT_EQ("789", slice.GetMemory());
    EXPECT_EQ(content->data() + 7, slice.GetMemory().data());
    EXPECT_EQ(slice.GetMemory().data(), slice.Loaded().GetMemory().data());
  }


  TEST(FolderBody, SliceBeyondTheBodyIsRefused)
  {
    const FolderBody body = FolderBody::InMemory(std::make_shared<const std::string>("0123456789"));
    EXPECT_THROW(body.Slice(ByteRange{8, 3}), std::out_of_range);
    EXPECT_THROW(body.Slice(ByteRange{11, 0}), std::out_of_range);
    EXPECT_EQ(0u, body.Slice(ByteRange{10, 0}).GetSize());
  }


  TEST(FolderBody, DefaultBodyIsEmpty)
  {
    const FolderBody body;
    EXPECT_EQ(0u, body.GetSize());
    EXPECT_FALSE(body.IsInFile());
    EXPECT_TRUE(body.GetMemory().empty());
  }
}
