// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Protocol/HeaderSection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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


namespace
{
  // Feeds `request` to one scanner `step` bytes at a time, as reads deliver it.
  HeaderSectionScan ScanInSteps(HeaderSectionScanner& scanner, const std::string& request, std::size_t step)
  {
    HeaderSectionScan scan;
    for (std::size_t received = std::min(step, request.size()); ; received = std::min(received + step, request.size()))
    {
      scan = scanner.Scan(std::string_view(request).substr(0, received));
      if (scan.status != Status::Incomplete || received == request.size())
      {
        return scan;
      }
    }
  }
}


TEST(HeaderSection, ScanOfAHeaderTrickledAByteAtATimeIsLinearInItsSize)
{
  // 60 KiB of fields, delivered a byte at a time: each byte is looked at a
  // bounded number of times, not once per read.
  std::string request = "GET / HTTP/1.1\r\n";
  while (request.size() < 60 * 1024)
  {
    request += "X-Filler: " + std::string(100, 'a') + "\r\n";
  }
  request += "\r\n";

  HeaderSectionScanner scanner(64 * 1024);
  const HeaderSectionScan scan = ScanInSteps(scanner, request, 1);
  EXPECT_EQ(Status::Complete, scan.status);
  EXPECT_EQ(request.size(), scan.end);
  EXPECT_LE(scanner.BytesExamined(), 2 * request.size());
}


TEST(HeaderSection, ScanInPiecesFindsWhatOneScanFinds)
{
  const std::vector<std::string> requests = {
    "GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY",
    "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
    "GET / HTTP/1.1\r\nX-A: b\r\n\tc\r\n\r\n",
    "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\n\r\n\r\n folded?",
    "GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n",
    "\r\r\nGET / HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\n\nHost: a\r\n\r\n",
    std::string(1030, '\r'),
    "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r",   // (found by the fuzzer: empty lines, then a CR alone)
  };
  for (const std::string& request : requests)
  {
    const HeaderSectionScan whole = ScanHeaderSection(request, 1024);
    for (std::size_t step = 1; step <= 7; ++step)
    {
      HeaderSectionScanner scanner(1024);
      const HeaderSectionScan pieces = ScanInSteps(scanner, request, step);
      EXPECT_EQ(whole.status, pieces.status) << request << " in steps of " << step;
      EXPECT_EQ(whole.begin, pieces.begin) << request << " in steps of " << step;
      EXPECT_EQ(whole.end, pieces.end) << request << " in steps of " << step;
    }
  }
}


TEST(HeaderSection, LeadingEmptyLinesOverTheLimitAreTooLarge)
{
  std::string emptyLines;
  while (emptyLines.size() <= 1024)
  {
    emptyLines += "\r\n";
  }
  EXPECT_EQ(Status::TooLarge, ScanHeaderSection(emptyLines, 1024).status);
  HeaderSectionScanner scanner(1024);
  EXPECT_EQ(Status::TooLarge, ScanInSteps(scanner, emptyLines, 1).status);
}
