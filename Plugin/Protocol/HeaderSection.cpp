#include "HeaderSection.h"

namespace OrthancCors
{
  HeaderSectionScan ScanHeaderSection(std::string_view received, std::size_t limit)
  {
    HeaderSectionScan scan;

    while (received.substr(scan.begin, 2) == "\r\n")
    {
      scan.begin += 2;
    }

    const std::string_view section = received.substr(scan.begin);
    const std::size_t terminator = section.find("\r\n\r\n");
    const std::size_t length = (terminator == std::string_view::npos) ? section.size() : terminator + 4;

    // The empty lines skipped count too: an endless stream of them is held as well.
    if (scan.begin + length > limit)
    {
      scan.status = HeaderSectionScan::Status::TooLarge;
      return scan;
    }

    // A CRLF followed by a space or a tab starts a folded line (or whitespace
    // between the request line and the first field, RFC 9112 2.2: same answer).
    const std::size_t searched = (terminator == std::string_view::npos) ? section.size() : terminator;
    for (std::size_t eol = section.find("\r\n"); eol != std::string_view::npos && eol < searched;
         eol = section.find("\r\n", eol + 2))
    {
      if (eol + 2 < section.size() && (section[eol + 2] == ' ' || section[eol + 2] == '\t'))
      {
        scan.status = HeaderSectionScan::Status::ObsoleteLineFolding;
        return scan;
      }
    }

    if (terminator == std::string_view::npos)
    {
      scan.status = HeaderSectionScan::Status::Incomplete;
      return scan;
    }

    scan.status = HeaderSectionScan::Status::Complete;
    scan.end = scan.begin + length;
    return scan;
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
