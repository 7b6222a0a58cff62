// SPDX-License-Identifier: AGPL-3.0-or-later

#include "HeaderSection.h"

#include <algorithm>
#include <cstring>

namespace OrthancCors
{
  bool HeaderSectionScanner::SkipLeadingEmptyLines(std::string_view received)
  {
    if (requestLineFound_)
    {
      return true;
    }
    while (next_ < received.size())
    {
      if (received[next_] != '\r')
      {
        requestLineFound_ = true;
        break;
      }
      if (next_ + 1 == received.size())
      {
        return false;   // a CR alone so far: an empty line, or the start of a malformed line
      }
      examined_ += 2;
      if (received[next_ + 1] != '\n')
      {
        requestLineFound_ = true;
        break;
      }
      next_ += 2;
      scan_.begin = next_;
    }
    return requestLineFound_;
  }


  HeaderSectionScan HeaderSectionScanner::Scan(std::string_view received)
  {
    if (scan_.status != HeaderSectionScan::Status::Incomplete)
    {
      return scan_;
    }

    // The empty lines skipped count too: an endless stream of them is held as well.
    const bool requestLineFound = SkipLeadingEmptyLines(received);
    if (requestLineFound)
    {
      // Each LF is looked at once (found by memchr, as fast as one scan of the
      // whole): a CR LF before it ends a line; the byte after that line end
      // tells an empty line (the end of the section) from folding.
      const std::size_t searched = std::min(received.size(), limit_);
      while (next_ < searched)
      {
        const void* found = std::memchr(received.data() + next_, '\n', searched - next_);
        const std::size_t lineFeed = (found == nullptr) ? searched :
          static_cast<std::size_t>(static_cast<const char*>(found) - received.data());
        examined_ += lineFeed - next_ + (found == nullptr ? 0 : 1);
        next_ = lineFeed;
        if (found == nullptr)
        {
          break;
        }
        if (next_ == scan_.begin || received[next_ - 1] != '\r')
        {
          ++next_;
          continue;
        }
        if (next_ >= scan_.begin + 3 && received[next_ - 3] == '\r' && received[next_ - 2] == '\n')
        {
          scan_.status = HeaderSectionScan::Status::Complete;
          scan_.end = next_ + 1;
          return scan_;
        }
        if (next_ + 1 == received.size())
        {
          break;   // what follows the line end decides: looked at again with the next bytes
        }
        // A CRLF followed by a space or a tab starts a folded line (or whitespace
        // between the request line and the first field, RFC 9112 2.2: same answer).
        const char following = received[next_ + 1];
        if (following == ' ' || following == '\t')
        {
          scan_.status = HeaderSectionScan::Status::ObsoleteLineFolding;
          return scan_;
        }
        ++next_;
      }
    }

    if (received.size() > limit_)
    {
      scan_.status = HeaderSectionScan::Status::TooLarge;
    }
    return scan_;
  }


  HeaderSectionScan ScanHeaderSection(std::string_view received, std::size_t limit)
  {
    return HeaderSectionScanner(limit).Scan(received);
  }


  std::size_t MeasureRequestHead(std::string_view method, std::string_view target, const HttpHeaders& headers)
  {
    std::size_t size = method.size() + 1 + target.size() + std::string_view(" HTTP/1.1\r\n").size();
    for (const HttpHeader& header : headers)
    {
      size += header.name.size() + 2 + header.value.size() + 2;
    }
    return size + 2;
  }
}
