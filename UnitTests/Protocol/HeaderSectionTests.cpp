#include "Protocol/HeaderSection.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using Status = HeaderSectionScan::Status;

TEST(HeaderSection, CompleteSectionEndsAfterTheEmptyLine)
{
  const std::string request = "GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY";
  const HeaderSectionScan scan = ScanHeaderSection(request, 1024);
  EXPECT_EQ(Status::Complete, scan.status);
  EXPECT_EQ(0u, scan.begin);
  EXPECT_EQ(request.size() - 4, scan.end);
}


TEST(HeaderSection, IncompleteUntilTheEmptyLineArrives)
{
  EXPECT_EQ(Status::Incomplete, ScanHeaderSection("GET / HTTP/1.1\r\nHost: a\r\n", 1024).status);
  EXPECT_EQ(Status::Incomplete, ScanHeaderSection("", 1024).status);
}


TEST(HeaderSection, LeadingEmptyLinesAreSkipped)
{
  const HeaderSectionScan scan = ScanHeaderSection("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 1024);
  EXPECT_EQ(Status::Complete, scan.status);
  EXPECT_EQ(4u, scan.begin);
}


TEST(HeaderSection, ObsoleteLineFoldingIsDetected)
{
  EXPECT_EQ(Status::ObsoleteLineFolding,
            ScanHeaderSection("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 1024).status);
  EXPECT_EQ(Status::ObsoleteLineFolding,
            ScanHeaderSection("GET / HTTP/1.1\r\nX-A: b\r\n\tc\r\n\r\n", 1024).status);
}


TEST(HeaderSection, WhitespaceBeforeTheFirstFieldIsRefusedLikeFolding)
{
  EXPECT_EQ(Status::ObsoleteLineFolding, ScanHeaderSection("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 1024).status);
}


TEST(HeaderSection, FoldingIsDetectedBeforeTheSectionIsComplete)
{
  EXPECT_EQ(Status::ObsoleteLineFolding, ScanHeaderSection("GET / HTTP/1.1\r\nX-A: b\r\n c", 1024).status);
}


TEST(HeaderSection, BodyBytesAfterTheSectionAreNotScanned)
{
  EXPECT_EQ(Status::Complete, ScanHeaderSection("POST / HTTP/1.1\r\nHost: a\r\n\r\n\r\n folded?", 1024).status);
}


TEST(HeaderSection, SectionOverTheLimitIsTooLarge)
{
  const std::string big = "GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n";
  EXPECT_EQ(Status::TooLarge, ScanHeaderSection(big, 1024).status);
  EXPECT_EQ(Status::TooLarge, ScanHeaderSection(big.substr(0, 1500), 1024).status);
  EXPECT_EQ(Status::Complete, ScanHeaderSection(big, big.size()).status);
}
