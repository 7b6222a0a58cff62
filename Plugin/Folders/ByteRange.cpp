// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ByteRange.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace OrthancCors
{
  namespace
  {
    constexpr uint64_t UNBOUNDED = std::numeric_limits<uint64_t>::max();

    // One range-spec as written: a suffix has no first position.
    struct RangeSpec
    {
      std::optional<uint64_t> first;
      std::optional<uint64_t> last;   // for a suffix: the suffix length
    };

    // 1*DIGIT; a value beyond 64 bits saturates (it is beyond any file anyway).
    std::optional<uint64_t> ParseDigits(std::string_view text)
    {
      if (text.empty())
      {
        return std::nullopt;
      }
      uint64_t value = 0;
      for (char c : text)
      {
        if (c < '0' || c > '9')
        {
          return std::nullopt;
        }
        const uint64_t digit = static_cast<uint64_t>(c - '0');
        value = (value > (UNBOUNDED - digit) / 10) ? UNBOUNDED : value * 10 + digit;
      }
      return value;
    }

    std::optional<RangeSpec> ParseRangeSpec(std::string_view text)
    {
      const size_t dash = text.find('-');
      if (dash == std::string_view::npos)
      {
        return std::nullopt;
      }
      const std::string_view before = text.substr(0, dash);
      const std::string_view after = text.substr(dash + 1);

      RangeSpec spec;
      if (before.empty())
      {
        spec.last = ParseDigits(after);   // suffix-range: "-" suffix-length
        return spec.last ? std::optional<RangeSpec>(spec) : std::nullopt;
      }

      spec.first = ParseDigits(before);
      if (!spec.first)
      {
        return std::nullopt;
      }
      if (!after.empty())
      {
        spec.last = ParseDigits(after);
        if (!spec.last || *spec.last < *spec.first)
        {
          return std::nullopt;   // 14.1.1: such a range-spec is invalid
        }
      }
      return spec;
    }

    // Satisfiable (14.1.1): a first-pos below the length, or a non-zero suffix-length.
    bool IsSatisfiable(const RangeSpec& spec, uint64_t size)
    {
      return spec.first ? *spec.first < size : *spec.last > 0;
    }

    // The bytes a satisfiable `spec` selects; empty only for a suffix of an empty representation.
    ByteRange Resolve(const RangeSpec& spec, uint64_t size)
    {
      if (!spec.first)
      {
        const uint64_t suffix = *spec.last;
        const uint64_t length = suffix < size ? suffix : size;
        return ByteRange{size - length, length};
      }

      const uint64_t last = (spec.last && *spec.last < size) ? *spec.last : size - 1;
      return ByteRange{*spec.first, last - *spec.first + 1};
    }
  }


  RangeSelection SelectByteRange(std::string_view rangeField, uint64_t size)
  {
    const RangeSelection whole;
    const size_t equals = rangeField.find('=');
    if (equals == std::string_view::npos ||
        !EqualsIgnoringCase(TrimOptionalWhitespace(rangeField.substr(0, equals)), "bytes"))
    {
      return whole;
    }

    // range-set = 1#range-spec: empty list elements and optional whitespace are allowed (5.6.1).
    std::vector<RangeSpec> specs;
    for (const std::string& element : SplitHeaderList(rangeField.substr(equals + 1)))
    {
      std::optional<RangeSpec> spec = ParseRangeSpec(element);
      if (!spec)
      {
        return whole;
      }
      specs.push_back(*spec);
    }

    if (specs.empty())
    {
      return whole;
    }

    if (std::none_of(specs.begin(), specs.end(), [&](const RangeSpec& spec) { return IsSatisfiable(spec, size); }))
    {
      return RangeSelection{RangeOutcome::NotSatisfiable, ByteRange{}};
    }
    if (specs.size() > 1 || size == 0)
    {
      return whole;   // a 206 cannot describe an empty range: the whole (empty) representation
    }
    return RangeSelection{RangeOutcome::PartialContent, Resolve(specs.front(), size)};
  }


  RangeSelection SelectRequestedRange(const HttpHeaders& requestHeaders,
                                      uint64_t size,
                                      std::string_view entityTag)
  {
    const std::vector<std::string> ranges = GetAll(requestHeaders, "Range");
    if (ranges.size() != 1)
    {
      return RangeSelection{};   // none, or a field repeated, which has no defined meaning
    }

    const std::vector<std::string> conditions = GetAll(requestHeaders, "If-Range");
    if (!conditions.empty())
    {
      // A strong comparison: a weak tag ("W/...") never matches, and neither does a
      // date, as these answers carry no Last-Modified to compare it with.
      const bool fresh = conditions.size() == 1 && !entityTag.empty() &&
        TrimOptionalWhitespace(conditions.front()) == entityTag;
      if (!fresh)
      {
        return RangeSelection{};
      }
    }
    return SelectByteRange(ranges.front(), size);
  }


  std::string DescribeContentRange(const ByteRange& range, uint64_t size)
  {
    return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.first + range.length - 1) +
      "/" + std::to_string(size);
  }


  std::string DescribeUnsatisfiedRange(uint64_t size)
  {
    return "bytes */" + std::to_string(size);
  }
}
