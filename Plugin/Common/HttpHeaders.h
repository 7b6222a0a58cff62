// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  struct HttpHeader
  {
    std::string name;
    std::string value;
  };

  // Ordered, possibly repeated header fields, as they travel on the wire.
  using HttpHeaders = std::vector<HttpHeader>;

  // A field read where it lies (the parser's storage, or an HttpHeaders): what the
  // gateway checks every request with before it copies anything.
  struct HttpFieldView
  {
    std::string_view name;
    std::string_view value;
  };

  // Must not outlive the fields they view.
  using HttpFieldViews = std::vector<HttpFieldView>;

  HttpFieldViews ViewFields(const HttpHeaders& headers);

  // The fields named `name` (case-insensitive): how many, and the first one's value.
  struct FieldLookup
  {
    std::size_t count = 0;
    std::string_view first;
  };
  FieldLookup LookUpField(const HttpFieldViews& fields, std::string_view name);

  // Without the optional whitespace (RFC 9110 OWS: spaces and tabs) at both ends.
  std::string_view TrimOptionalWhitespace(std::string_view text);

  // (The sizes compared inline: most calls look for one name among a request's fields.)
  bool EqualsIgnoringCaseSameSize(std::string_view a, std::string_view b);
  inline bool EqualsIgnoringCase(std::string_view a, std::string_view b)
  {
    return a.size() == b.size() && EqualsIgnoringCaseSameSize(a, b);
  }
  std::string ToLowerAscii(std::string_view text);
  std::string ToUpperAscii(std::string_view text);

  // Every value of the fields named `name` (case-insensitive), in order.
  std::vector<std::string> GetAll(const HttpHeaders& headers, std::string_view name);

  // Removes every field named `name` (case-insensitive).
  void RemoveAll(HttpHeaders& headers, std::string_view name);

  // Replaces every field named `name` by a single one with `value`.
  void SetSingle(HttpHeaders& headers, std::string_view name, std::string_view value);

  // Fetch "get, decode, and split": comma-separated list elements with optional
  // whitespace trimmed; empty elements are dropped; quoted strings are not split.
  std::vector<std::string> SplitHeaderList(std::string_view value);

  // The inverse for output: elements joined with ", ".
  std::string JoinHeaderList(const std::vector<std::string>& elements);

  // Adds tokens to the Vary field of a response, keeping one Vary field and no
  // duplicates (case-insensitive); a Vary of "*" is left alone.
  void AddToVary(HttpHeaders& headers, const std::vector<std::string>& tokens);

  // RFC 9110 token (header names, methods).
  bool IsToken(std::string_view text);
}
