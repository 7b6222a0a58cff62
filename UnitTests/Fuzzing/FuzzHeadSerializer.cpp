// The one head serializer of the gateway (Protocol/HeadSerializer), from raw
// bytes: a request or a response head with arbitrary method, target, status,
// reason, field names and values, and framing.
// Invariants: what it writes, Beast's parser reads back to the same method,
// target, status, reason and fields, in order, followed by the framing field it
// added; and it refuses only what contains a byte a peer would read otherwise
// (a control character, a non-token name, whitespace at a value's end...).

#include "FuzzSupport.h"
#include "Protocol/HeadSerializer.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <vector>

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;
namespace http = boost::beast::http;

namespace
{
  bool HasControl(std::string_view text)
  {
    for (unsigned char c : text)
    {
      if ((c < 0x20 && c != '\t') || c == 0x7f)
      {
        return true;
      }
    }
    return false;
  }

  // Whether the serializer may refuse this input: some element is not what a
  // parser would read back as it is.
  bool MayBeRefused(std::string_view method, std::string_view target, std::string_view reason, int status,
                    const HttpHeaders& headers)
  {
    if (!IsToken(method) || target.empty() || HasControl(target) || target.find_first_of(" \t") != std::string::npos ||
        HasControl(reason) || status < 100 || status > 999)
    {
      return true;
    }
    for (const HttpHeader& header : headers)
    {
      const std::string& value = header.value;
      if (!IsToken(header.name) || HasControl(value) ||
          (!value.empty() && (value.front() == ' ' || value.front() == '\t' ||
                              value.back() == ' ' || value.back() == '\t')))
      {
        return true;
      }
    }
    return false;
  }

  BodyFraming PickFraming(FuzzedDataProvider& input)
  {
    switch (input.ConsumeIntegralInRange<int>(0, 2))
    {
      case 0:
        return BodyFraming::Length(input.ConsumeIntegral<uint32_t>());
      case 1:
        return BodyFraming::Chunked();
      default:
        return BodyFraming::AsIs();
    }
  }

  // The fields Beast read, which must be `headers` then the framing field added.
  template <typename Fields>
  void CheckFieldsReadBack(const Fields& parsed, const HttpHeaders& headers, BodyFraming framing)
  {
    std::vector<std::pair<std::string, std::string>> read;
    for (const auto& field : parsed)
    {
      read.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    std::size_t expected = headers.size();
    const bool hasLength = !GetAll(headers, "Content-Length").empty();
    if (framing.kind == BodyFraming::Kind::Chunked || (framing.kind == BodyFraming::Kind::Length && !hasLength))
    {
      expected++;
    }
    Require(read.size() >= expected, "every field is read back");
    for (std::size_t i = 0; i < headers.size(); i++)
    {
      Require(read[i].first == headers[i].name && read[i].second == headers[i].value,
              "field " + std::to_string(i) + " is read back as written");
    }
    if (framing.kind == BodyFraming::Kind::Chunked)
    {
      Require(read[headers.size()].first == "Transfer-Encoding" && read[headers.size()].second == "chunked",
              "the chunked framing field follows the fields");
    }
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  FuzzedDataProvider input(data, size);
  const bool isRequest = input.ConsumeBool();
  const BodyFraming framing = PickFraming(input);
  const std::string method = input.ConsumeRandomLengthString(16);
  const std::string target = input.ConsumeRandomLengthString(64);
  const int status = input.ConsumeIntegralInRange<int>(0, 1100);
  const std::string reason = input.ConsumeRandomLengthString(32);
  HttpHeaders headers;
  const int count = input.ConsumeIntegralInRange<int>(0, 8);
  for (int i = 0; i < count; i++)
  {
    std::string name = input.ConsumeRandomLengthString(16);
    std::string value = input.ConsumeRandomLengthString(64);
    // Framing and connection fields are the serializer's to write: not given to it.
    if (EqualsIgnoringCase(name, "Transfer-Encoding") || EqualsIgnoringCase(name, "Content-Length") ||
        EqualsIgnoringCase(name, "Connection"))
    {
      name = "X-" + name;
    }
    headers.push_back(HttpHeader{name, value});
  }

  boost::system::error_code error;
  if (isRequest)
  {
    const std::optional<std::string> head = SerializeRequestHead(method, target, headers, framing);
    if (!head)
    {
      Require(MayBeRefused(method, target, "", 200, headers), "a request head is refused only for a reason");
      return 0;
    }
    http::request_parser<http::empty_body> parser;
    parser.eager(false);
    parser.put(boost::asio::buffer(head->data(), head->size()), error);
    Require(!error && parser.is_header_done(), "Beast parses the request head written: " + error.message());
    Require(std::string(parser.get().method_string()) == method, "the method is read back");
    Require(std::string(parser.get().target()) == target, "the target is read back");
    Require(parser.get().version() == 11, "HTTP/1.1");
    CheckFieldsReadBack(parser.get(), headers, framing);
  }
  else
  {
    const bool keepAlive = input.ConsumeBool();
    const unsigned int version = input.ConsumeBool() ? 11 : 10;
    const std::optional<std::string> head = SerializeResponseHead(version, status, headers, framing, keepAlive, reason);
    if (!head)
    {
      Require(MayBeRefused("GET", "/", reason, status, headers), "a response head is refused only for a reason");
      return 0;
    }
    http::response_parser<http::empty_body> parser;
    parser.eager(false);
    parser.skip(true);   // the head only
    parser.put(boost::asio::buffer(head->data(), head->size()), error);
    Require(!error && parser.is_header_done(), "Beast parses the response head written: " + error.message());
    Require(static_cast<int>(parser.get().result_int()) == status, "the status is read back");
    Require(reason.empty() || std::string(parser.get().reason()) == reason, "the reason is read back");
    Require(parser.get().version() == version, "the version is read back");
    CheckFieldsReadBack(parser.get(), headers, framing);
  }
  return 0;
}
