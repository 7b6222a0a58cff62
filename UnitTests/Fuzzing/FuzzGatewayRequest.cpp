// SPDX-License-Identifier: AGPL-3.0-or-later
// The gateway's handling of a request header, from raw bytes, as Session does it
// (no network): ScanHeaderSection (also in pieces) -> Beast request_parser -> ValidateRequest ->
// CorsRequest -> preflight or actual-request decision -> headers relayed to Orthanc.
// Invariants: the decision's headers are safe (CheckProducedHeaders); a request
// the gateway relays has a valid Host, and the header section it sends upstream
// has only token names and values without CR, LF or NUL (no injection upstream).

#include "FuzzSupport.h"
#include "Protocol/HeaderSection.h"
#include "Gateway/MessageIo.h"
#include "Protocol/RelayHeaders.h"
#include "Protocol/RequestValidation.h"
#include "Policy/OriginPattern.h"
#include "Policy/Policy.h"

#include <boost/beast/http.hpp>

#include <algorithm>

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;
namespace http = boost::beast::http;

namespace
{
  const Policy& TestPolicy()
  {
    static const Policy policy = []
    {
      RoutePolicy route;
      route.prefix = "/dicom-web/";
      route.allowedOrigins = {OriginPattern::Parse("http://localhost:3000"),
                              OriginPattern::Parse("https://*.example.org")};
      route.allowCredentials = true;
      route.allowedMethods = {"GET", "POST", "DELETE"};
      route.allowedHeaders.names = {"Authorization", "Content-Type"};
      route.exposedHeaders.names = {"ETag"};
      return Policy({route}, 600, true, "cross-origin");
    }();
    return policy;
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view received(reinterpret_cast<const char*>(data), size);
  const HeaderSectionScan scan = ScanHeaderSection(received, MessageIo::HEADER_LIMIT);

  // The same bytes read in pieces (sizes from the input's first byte): the
  // scanner that remembers where it stopped finds what one scan finds.
  HeaderSectionScanner scanner(MessageIo::HEADER_LIMIT);
  const std::size_t step = size > 0 ? 1 + data[0] % 16 : 1;
  HeaderSectionScan pieces;
  for (std::size_t given = std::min(step, size); ; given = std::min(given + step, size))
  {
    pieces = scanner.Scan(received.substr(0, given));
    if (pieces.status != HeaderSectionScan::Status::Incomplete || given == size)
    {
      break;
    }
  }
  Require(pieces.status == scan.status && pieces.begin == scan.begin && pieces.end == scan.end,
          "a header section scanned in pieces ends where it ends scanned at once");
  Require(scanner.BytesExamined() <= 2 * size + 2, "each byte of a header section is looked at a bounded number of times");

  if (scan.status != HeaderSectionScan::Status::Complete)
  {
    return 0;
  }
  Require(scan.begin <= scan.end && scan.end <= received.size(), "the header section lies in the input");

  http::request_parser<http::empty_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(MessageIo::HEADER_LIMIT + 1));
  parser.eager(false);
  boost::system::error_code error;
  parser.put(boost::asio::buffer(received.data() + scan.begin, scan.end - scan.begin), error);
  if (error || !parser.is_header_done())
  {
    return 0;
  }

  const auto& request = parser.get();
  const std::string method(request.method_string());
  const std::string target(request.target());
  const HttpHeaders headers = MessageIo::ToHttpHeaders(request);
  if (ValidateRequest(method, target, request.version(), ViewFields(headers)))
  {
    return 0;
  }

  const CorsRequest cors = CorsRequest::FromHeaders(method, target, headers);
  if (cors.IsPreflight())
  {
    CheckProducedHeaders(EvaluatePreflight(TestPolicy(), cors).headers, cors);
    return 0;
  }
  CheckProducedHeaders(EvaluateActualRequest(TestPolicy(), cors).headers, cors);

  const std::vector<std::string> hosts = GetAll(headers, "Host");
  if (!hosts.empty() && !hosts.front().empty())   // an empty Host: the gateway names itself
  {
    Require(IsValidHostField(hosts.front()), "a relayed request has a valid Host");
  }
  const ForwardingContext forwarding{boost::asio::ip::make_address("192.0.2.1"), "http",
                                     (hosts.empty() || hosts.front().empty()) ? "127.0.0.1:8043" : hosts.front()};
  for (const HttpHeader& header : BuildUpstreamRequestHeaders(headers, forwarding))
  {
    Require(IsToken(header.name), "a relayed header name is a token");
    Require(header.value.find_first_of(std::string("\r\n\0", 3)) == std::string::npos,
            "a relayed header value has no CR, LF or NUL");
  }
  return 0;
}
