// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <cstddef>
#include <string_view>

namespace OrthancCors
{
  // Where the header section of a request ends in the bytes received so far. The
  // gateway looks at the raw bytes before Beast parses them because Beast quietly
  // unfolds obsolete line folding, which RFC 9112 (5.2) lets a server reject and
  // which request-smuggling attacks rely on.
  struct HeaderSectionScan
  {
    enum class Status
    {
      Incomplete,            // no empty line yet: read more
      Complete,              // [begin, end) is the request line and the fields, final CRLF CRLF included
      TooLarge,              // more than `limit` bytes without the end of the section: 431
      ObsoleteLineFolding    // a line starting with a space or a tab: 400
    };

    Status status = Status::Incomplete;
    std::size_t begin = 0;   // empty lines before the request line are skipped (RFC 9112, 2.2)
    std::size_t end = 0;
  };

  // Scans a header section as it arrives, remembering where it stopped, as
  // Beast's parser does: each byte is looked at a bounded number of times, so a
  // header trickled a byte at a time costs what it costs in one piece.
  class HeaderSectionScanner
  {
  public:
    explicit HeaderSectionScanner(std::size_t limit) : limit_(limit) {}

    // `received`: every byte received so far, the bytes of earlier calls first,
    // unchanged. Once the result is not Incomplete, it stays what it is.
    HeaderSectionScan Scan(std::string_view received);

    // How many bytes the scans looked at, in all: for the test that the work is linear.
    std::size_t BytesExamined() const { return examined_; }

  private:
    bool SkipLeadingEmptyLines(std::string_view received);

    const std::size_t limit_;
    HeaderSectionScan scan_;
    bool requestLineFound_ = false;
    std::size_t next_ = 0;       // the next byte to look at
    std::size_t examined_ = 0;
  };

  // The same, for bytes that are all there.
  HeaderSectionScan ScanHeaderSection(std::string_view received, std::size_t limit);

  // The size of a request's head as serialized on the wire: request line, fields
  // ("Name: value" CRLF each) and the empty line.
  std::size_t MeasureRequestHead(std::string_view method, std::string_view target, const HttpHeaders& headers);
}
