// SPDX-License-Identifier: AGPL-3.0-or-later
// Origin parsing and pattern matching. Input: an Origin header value, optionally
// preceded by "pattern\n" (one AllowedOrigins entry to parse and match with).
// Invariants: a parsed origin serializes back to exactly the input (only exact
// serializations are accepted) and is printable ASCII; a "*.domain" pattern
// only matches strict subdomains, with the pattern's scheme and port.

#include "FuzzSupport.h"
#include "Policy/OriginPattern.h"

#include <array>
#include <stdexcept>

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;

namespace
{
  bool EndsWith(const std::string& text, const std::string& suffix)
  {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
  }

  const std::array<OriginPattern, 6>& FixedPatterns()
  {
    static const std::array<OriginPattern, 6> patterns = {
      OriginPattern::Parse("https://example.org"),
      OriginPattern::Parse("https://*.example.org"),
      OriginPattern::Parse("http://localhost:3000"),
      OriginPattern::Parse("regex:^https://viewer-[0-9]+\\.example\\.org$"),
      OriginPattern::Parse("*"),
      OriginPattern::Parse("null")
    };
    return patterns;
  }

  void CheckMatches(const OriginPattern& pattern, const Origin& origin)
  {
    const bool matches = pattern.Matches(origin);
    if (!matches)
    {
      return;
    }
    switch (pattern.GetKind())
    {
      case OriginPattern::Kind::Null:
        Require(origin.isNull, "null matches only the opaque origin");
        break;
      case OriginPattern::Kind::Exact:
        Require(origin.Serialize() == pattern.GetText(), "an exact pattern matches only its origin");
        break;
      case OriginPattern::Kind::Subdomains:
      {
        // "scheme://*.domain[:port]": the origin is scheme://sub.domain[:port].
        const std::string& text = pattern.GetText();
        const std::size_t star = text.find("*.");
        const std::string scheme = text.substr(0, star - 3);
        std::string rest = text.substr(star + 1);       // ".domain[:port]"
        const std::string serialized = origin.Serialize();
        Require(!origin.isNull && origin.scheme == scheme, "a subdomain pattern keeps its scheme");
        Require(EndsWith(serialized, rest), "a subdomain pattern keeps its domain and port");
        Require(serialized.size() > scheme.size() + 3 + rest.size(), "a subdomain pattern never matches the bare domain");
        break;
      }
      default:
        break;
    }
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::string value = input;
  std::optional<OriginPattern> fuzzedPattern;

  const std::size_t newline = input.find('\n');
  if (newline != std::string::npos)
  {
    value = input.substr(newline + 1);
    const std::string entry = input.substr(0, newline);
    // Fuzzed regexes would mostly measure Boost.Regex; patterns come from the
    // administrator, the origin from the attacker.
    if (entry.rfind("regex:", 0) != 0)
    {
      try
      {
        fuzzedPattern = OriginPattern::Parse(entry);
      }
      catch (const std::invalid_argument&)
      {
      }
    }
  }

  const OriginParseResult parsed = ParseSerializedOrigin(value);
  if (!parsed.origin)
  {
    Require(!parsed.reason.empty(), "a refusal says why");
    return 0;
  }

  const Origin& origin = *parsed.origin;
  const std::string serialized = origin.Serialize();
  Require(serialized == value, "a parsed origin serializes back to the exact input");
  Require(IsSafeFieldValue(serialized), "a serialized origin is printable ASCII");
  Require(serialized.size() <= 2048, "a serialized origin is at most 2048 bytes");
  const OriginParseResult again = ParseSerializedOrigin(serialized);
  Require(again.origin.has_value() && *again.origin == origin, "parsing is stable");

  for (const OriginPattern& pattern : FixedPatterns())
  {
    CheckMatches(pattern, origin);
  }
  if (fuzzedPattern)
  {
    CheckMatches(*fuzzedPattern, origin);
  }
  return 0;
}
