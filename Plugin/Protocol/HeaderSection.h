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

  HeaderSectionScan ScanHeaderSection(std::string_view received, std::size_t limit);

  // The size of a request's head as serialized on the wire: request line, fields
  // ("Name: value" CRLF each) and the empty line.
  std::size_t MeasureRequestHead(std::string_view method, std::string_view target, const HttpHeaders& headers);
}
