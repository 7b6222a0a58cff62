// SPDX-License-Identifier: AGPL-3.0-or-later
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

#include <iterator>
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

  // The values of the fields named `name` (any case), in order.
  template <typename Fields>
  std::vector<std::string> ValuesRead(const Fields& parsed, const std::string& name)
  {
    std::vector<std::string> values;
    for (const auto& field : parsed)
    {
      if (EqualsIgnoringCase(std::string(field.name_string()), name))
      {
        values.emplace_back(field.value());
      }
    }
    return values;
  }

  // The fields Beast read are `headers` and the framing field added. (Beast
  // keeps the fields of one name together, in their order, so that is what is
  // compared: each name's values in order.)
  // `connection`: the Connection field the serializer adds, if any.
  template <typename Fields>
  void CheckFieldsReadBack(const Fields& parsed, const HttpHeaders& headers, BodyFraming framing,
                           const std::string& connection = "")
  {
    const bool hasLength = !GetAll(headers, "Content-Length").empty();
    const std::size_t added =
      (framing.kind == BodyFraming::Kind::Chunked || (framing.kind == BodyFraming::Kind::Length && !hasLength) ? 1 : 0) +
      (connection.empty() ? 0 : 1);
    const auto count = static_cast<std::size_t>(std::distance(parsed.begin(), parsed.end()));
    Require(count == headers.size() + added, "every field is read back, and the framing field: " +
            std::to_string(count) + " read, " + std::to_string(headers.size()) + " + " + std::to_string(added) + " written");
    for (const HttpHeader& header : headers)
    {
      Require(ValuesRead(parsed, header.name) == GetAll(headers, header.name),
              "the fields named " + header.name + " are read back as written, in order");
    }
    if (framing.kind == BodyFraming::Kind::Chunked)
    {
      Require(ValuesRead(parsed, "Transfer-Encoding") == std::vector<std::string>{"chunked"},
              "the chunked framing field is written");
    }
    if (!connection.empty())
    {
      Require(ValuesRead(parsed, "Connection") == std::vector<std::string>{connection},
              "the Connection field is written when the version's default does not hold");
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
    // (Beast reads Proxy-Connection as Connection, a list of tokens.)
    if (EqualsIgnoringCase(name, "Transfer-Encoding") || EqualsIgnoringCase(name, "Content-Length") ||
        EqualsIgnoringCase(name, "Connection") || EqualsIgnoringCase(name, "Proxy-Connection"))
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
    parser.body_limit(boost::none);   // any Content-Length: only the head is read
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
    parser.body_limit(boost::none);
    parser.skip(true);   // the head only
    parser.put(boost::asio::buffer(head->data(), head->size()), error);
    Require(!error && parser.is_header_done(), "Beast parses the response head written: " + error.message());
    Require(static_cast<int>(parser.get().result_int()) == status, "the status is read back");
    Require(reason.empty() || std::string(parser.get().reason()) == reason, "the reason is read back");
    Require(parser.get().version() == version, "the version is read back");
    const std::string connection = (version >= 11 && !keepAlive) ? "close" :
      ((version < 11 && keepAlive) ? "keep-alive" : "");
    CheckFieldsReadBack(parser.get(), headers, framing, connection);
  }
  return 0;
}
