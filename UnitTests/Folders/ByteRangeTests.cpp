// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Folders/ByteRange.h"

#include <gtest/gtest.h>

// Named after the rules of RFC 9110: 14.1.1 (range-spec), 14.1.2 (byte ranges),
// 14.2 (Range), 13.1.5 (If-Range), 14.4 (Content-Range), 15.5.17 (416).
namespace OrthancCors
{
  namespace
  {
    RangeSelection Partial(uint64_t first, uint64_t length)
    {
      return RangeSelection{RangeOutcome::PartialContent, ByteRange{first, length}};
    }

    void ExpectSelection(const RangeSelection& expected, const RangeSelection& actual, const std::string& field)
    {
      EXPECT_EQ(expected.outcome, actual.outcome) << field;
      if (expected.outcome == RangeOutcome::PartialContent)
      {
        EXPECT_EQ(expected.range, actual.range) << field;
      }
    }

    void Expect(const RangeSelection& expected, const std::string& field, uint64_t size = 10000)
    {
      ExpectSelection(expected, SelectByteRange(field, size), field);
    }

    const RangeSelection WHOLE{RangeOutcome::WholeRepresentation, ByteRange{}};
    const RangeSelection UNSATISFIABLE{RangeOutcome::NotSatisfiable, ByteRange{}};
  }


  TEST(ByteRange, IntRangeSelectsFirstToLastInclusive)
  {
    Expect(Partial(0, 500), "bytes=0-499");
    Expect(Partial(500, 500), "bytes=500-999");
    Expect(Partial(9999, 1), "bytes=9999-9999");
  }


  TEST(ByteRange, IntRangeWithoutLastPosRunsToTheEnd)
  {
    Expect(Partial(9500, 500), "bytes=9500-");
    Expect(Partial(0, 10000), "bytes=0-");
  }


  TEST(ByteRange, LastPosBeyondTheEndIsTheEnd)
  {
    Expect(Partial(9000, 1000), "bytes=9000-20000");
    Expect(Partial(9000, 1000), "bytes=9000-99999999999999999999999999");   // beyond 64 bits too
  }


  TEST(ByteRange, SuffixRangeSelectsTheLastBytes)
  {
    Expect(Partial(9500, 500), "bytes=-500");
    Expect(Partial(0, 10000), "bytes=-10000");
  }


  TEST(ByteRange, SuffixLongerThanTheRepresentationSelectsAllOfIt)
  {
    Expect(Partial(0, 10000), "bytes=-20000");
    Expect(Partial(0, 10000), "bytes=-99999999999999999999999999");
  }


  TEST(ByteRange, RangeUnitIsCaseInsensitive)
  {
    Expect(Partial(0, 1), "BYTES=0-0");
    Expect(Partial(0, 1), "Bytes=0-0");
  }


  TEST(ByteRange, OptionalWhitespaceAroundListElementsIsAccepted)
  {
    Expect(Partial(0, 10), "bytes= 0-9");
    Expect(Partial(0, 10), "bytes=0-9 \t");
    Expect(Partial(0, 10), "bytes=0-9, ");   // empty list elements are allowed (RFC 9110, 5.6.1)
  }


  TEST(ByteRange, UnknownRangeUnitIsIgnored)
  {
    Expect(WHOLE, "items=0-9");
    Expect(WHOLE, "0-9");
    Expect(WHOLE, "");
  }


  TEST(ByteRange, InvalidRangeSpecMakesTheFieldIgnored)
  {
    Expect(WHOLE, "bytes=");
    Expect(WHOLE, "bytes=-");
    Expect(WHOLE, "bytes=abc");
    Expect(WHOLE, "bytes=1-2-3");
    Expect(WHOLE, "bytes=+1-2");
    Expect(WHOLE, "bytes=0x10-20");
    Expect(WHOLE, "bytes=1 - 2");      // no whitespace inside a range-spec
    Expect(WHOLE, "bytes=0-9,garbage");
  }


  TEST(ByteRange, LastPosBeforeFirstPosIsInvalid)
  {
    Expect(WHOLE, "bytes=500-499");
  }


  TEST(ByteRange, FirstPosAtOrBeyondTheEndIsNotSatisfiable)
  {
    Expect(UNSATISFIABLE, "bytes=10000-");
    Expect(UNSATISFIABLE, "bytes=10000-20000");
    Expect(UNSATISFIABLE, "bytes=99999999999999999999999999-");
  }


  TEST(ByteRange, ZeroLengthSuffixIsNotSatisfiable)
  {
    Expect(UNSATISFIABLE, "bytes=-0");
  }


  TEST(ByteRange, NoFirstPosIsSatisfiableInAnEmptyRepresentation)
  {
    Expect(UNSATISFIABLE, "bytes=0-", 0);
    Expect(UNSATISFIABLE, "bytes=-0", 0);
  }


  TEST(ByteRange, NonZeroSuffixOfAnEmptyRepresentationGivesTheWholeOfIt)
  {
    Expect(WHOLE, "bytes=-10", 0);
  }


  TEST(ByteRange, SeveralRangesGiveTheWholeRepresentation)
  {
    Expect(WHOLE, "bytes=0-9,20-29");
    Expect(WHOLE, "bytes=0-9, 20000-");   // one of them satisfiable
  }


  TEST(ByteRange, SeveralRangesNoneSatisfiableAreNotSatisfiable)
  {
    Expect(UNSATISFIABLE, "bytes=10000-, 20000-30000, -0");
  }


  TEST(ByteRange, RangeFieldRepeatedIsIgnored)
  {
    ExpectSelection(WHOLE, SelectRequestedRange({ { "Range", "bytes=0-9" }, { "Range", "bytes=0-9" } }, 100, ""),
                    "two fields");
    ExpectSelection(WHOLE, SelectRequestedRange({}, 100, ""), "no field");
    ExpectSelection(Partial(0, 10), SelectRequestedRange({ { "range", "bytes=0-9" } }, 100, ""), "one field");
  }


  TEST(ByteRange, IfRangeWithTheCurrentStrongEntityTagKeepsTheRange)
  {
    ExpectSelection(Partial(0, 10), SelectRequestedRange({ { "Range", "bytes=0-9" }, { "If-Range", "\"abc\"" } },
                                                         100, "\"abc\""), "same tag");
  }


  TEST(ByteRange, IfRangeWithAnotherEntityTagGivesTheWholeRepresentation)
  {
    ExpectSelection(WHOLE, SelectRequestedRange({ { "Range", "bytes=0-9" }, { "If-Range", "\"old\"" } },
                                                100, "\"abc\""), "another tag");
  }


  TEST(ByteRange, IfRangeUsesTheStrongComparison)
  {
    ExpectSelection(WHOLE, SelectRequestedRange({ { "Range", "bytes=0-9" }, { "If-Range", "W/\"abc\"" } },
                                                100, "\"abc\""), "weak tag");
  }


  TEST(ByteRange, IfRangeWithADateGivesTheWholeRepresentationWithoutLastModified)
  {
    ExpectSelection(WHOLE, SelectRequestedRange({ { "Range", "bytes=0-9" },
                                                  { "If-Range", "Wed, 21 Oct 2015 07:28:00 GMT" } },
                                                100, "\"abc\""), "date");
  }


  TEST(ByteRange, IfRangeWithoutAnEntityTagSentNeverMatches)
  {
    ExpectSelection(WHOLE, SelectRequestedRange({ { "Range", "bytes=0-9" }, { "If-Range", "\"abc\"" } }, 100, ""),
                    "no ETag sent");
  }


  TEST(ByteRange, IfRangeWithoutRangeChangesNothing)
  {
    ExpectSelection(WHOLE, SelectRequestedRange({ { "If-Range", "\"abc\"" } }, 100, "\"abc\""), "no Range");
  }


  TEST(ByteRange, ContentRangeNamesFirstLastAndCompleteLength)
  {
    EXPECT_EQ("bytes 0-499/1234", DescribeContentRange(ByteRange{0, 500}, 1234));
    EXPECT_EQ("bytes 5000000000-5000000009/6000000000",
              DescribeContentRange(ByteRange{5000000000ull, 10}, 6000000000ull));
  }


  TEST(ByteRange, UnsatisfiedRangeNamesTheCompleteLength)
  {
    EXPECT_EQ("bytes */1234", DescribeUnsatisfiedRange(1234));
  }
}
