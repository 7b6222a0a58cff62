// SPDX-License-Identifier: AGPL-3.0-or-later
// Range and If-Range of a served file. Input: the representation's size on the
// first 8 bytes (little-endian), then the Range field's value, then after a
// newline, If-Range's. Invariants: a partial selection lies inside the
// representation and is not empty; a field repeated or an If-Range that is not
// the entity tag leaves the whole representation; descriptions are well-formed.

#include "FuzzSupport.h"
#include "Folders/ByteRange.h"

#include <cstring>

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size < 8)
  {
    return 0;
  }
  uint64_t representationSize = 0;
  std::memcpy(&representationSize, data, 8);
  const std::string_view rest(reinterpret_cast<const char*>(data) + 8, size - 8);
  const size_t newline = rest.find('\n');
  const std::string_view rangeField = rest.substr(0, newline);
  const std::string_view ifRange = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);

  const RangeSelection selection = SelectByteRange(rangeField, representationSize);
  if (selection.outcome == RangeOutcome::PartialContent)
  {
    Require(selection.range.length > 0, "a partial selection is not empty");
    Require(selection.range.first < representationSize, "a partial selection starts inside");
    Require(selection.range.length <= representationSize - selection.range.first, "a partial selection ends inside");
    const std::string description = DescribeContentRange(selection.range, representationSize);
    Require(description.compare(0, 6, "bytes ") == 0, "Content-Range starts with the unit");
    Require(IsSafeFieldValue(description), "Content-Range is a safe field value");
  }

  const std::string entityTag = "\"tag\"";
  const HttpHeaders conditional = { { "Range", std::string(rangeField) }, { "If-Range", std::string(ifRange) } };
  const RangeSelection withCondition = SelectRequestedRange(conditional, representationSize, entityTag);
  if (TrimOptionalWhitespace(ifRange) != entityTag)
  {
    Require(withCondition.outcome == RangeOutcome::WholeRepresentation, "a stale If-Range gives the whole");
  }
  else
  {
    Require(withCondition.outcome == selection.outcome, "a fresh If-Range keeps the selection");
  }

  const HttpHeaders repeated = { { "Range", std::string(rangeField) }, { "Range", std::string(rangeField) } };
  Require(SelectRequestedRange(repeated, representationSize, entityTag).outcome == RangeOutcome::WholeRepresentation,
          "a repeated Range is ignored");
  return 0;
}
