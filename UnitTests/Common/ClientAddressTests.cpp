// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Common/AddressRanges.h"
#include "Common/ClientAddress.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace OrthancCors;

namespace
{
  boost::asio::ip::address Address(const char* text)
  {
    return boost::asio::ip::make_address(text);
  }

  AddressRanges Ranges(std::initializer_list<const char*> entries)
  {
    AddressRanges ranges;
    for (const char* entry : entries)
    {
      ranges.Add(entry);
    }
    return ranges;
  }

  std::string AddError(const char* entry)
  {
    try
    {
      AddressRanges().Add(entry);
    }
    catch (const std::invalid_argument& e)
    {
      return e.what();
    }
    return "";
  }
}


TEST(AddressRanges, SingleAddressesAndCidrRangesOfBothFamilies)
{
  const AddressRanges ranges = Ranges({"192.0.2.7", "10.0.0.0/8", "2001:db8::1", "fd00::/8", "172.16.0.0/12"});
  EXPECT_TRUE(ranges.Contains(Address("192.0.2.7")));
  EXPECT_FALSE(ranges.Contains(Address("192.0.2.8")));
  EXPECT_TRUE(ranges.Contains(Address("10.255.3.4")));
  EXPECT_FALSE(ranges.Contains(Address("11.0.0.1")));
  EXPECT_TRUE(ranges.Contains(Address("172.31.255.255")));
  EXPECT_FALSE(ranges.Contains(Address("172.32.0.0")));
  EXPECT_TRUE(ranges.Contains(Address("2001:db8::1")));
  EXPECT_FALSE(ranges.Contains(Address("2001:db8::2")));
  EXPECT_TRUE(ranges.Contains(Address("fdab:cd::9")));
  EXPECT_FALSE(ranges.Contains(Address("fe80::1")));
}


TEST(AddressRanges, AnIpv4MappedPeerMatchesItsIpv4Entry)
{
  // What a listener on "::" reports for an IPv4 balancer.
  EXPECT_TRUE(Ranges({"10.0.0.0/8"}).Contains(Address("::ffff:10.1.2.3")));
  EXPECT_TRUE(Ranges({"::ffff:10.1.2.3"}).Contains(Address("10.1.2.3")));
  EXPECT_FALSE(Ranges({"::/0"}).Contains(Address("10.1.2.3")));   // an IPv4 peer is not an IPv6 one
}


TEST(AddressRanges, PrefixLengthsZeroAndFull)
{
  EXPECT_TRUE(Ranges({"0.0.0.0/0"}).Contains(Address("203.0.113.9")));
  EXPECT_TRUE(Ranges({"192.0.2.7/32"}).Contains(Address("192.0.2.7")));
  EXPECT_TRUE(Ranges({"2001:db8::/127"}).Contains(Address("2001:db8::1")));
  EXPECT_FALSE(Ranges({"2001:db8::/127"}).Contains(Address("2001:db8::2")));
  EXPECT_TRUE(AddressRanges().IsEmpty());
  EXPECT_FALSE(AddressRanges().Contains(Address("127.0.0.1")));
}


TEST(AddressRanges, DescribedInCanonicalForm)
{
  EXPECT_EQ((std::vector<std::string>{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"}),
            Ranges({"10.0.0.0/8", "192.0.2.7/32", "2001:0db8::/32", "0:0::1"}).Describe());
}


TEST(AddressRanges, MalformedEntriesSayWhatIsWrong)
{
  EXPECT_NE(std::string::npos, AddError("balancer.example").find("is not an IPv4 or IPv6 address"));
  EXPECT_NE(std::string::npos, AddError("").find("is not an IPv4 or IPv6 address"));
  EXPECT_NE(std::string::npos, AddError("10.0.0.0/33").find("from 0 to 32"));
  EXPECT_NE(std::string::npos, AddError("fd00::/129").find("from 0 to 128"));
  EXPECT_NE(std::string::npos, AddError("10.0.0.0/").find("from 0 to 32"));
  EXPECT_NE(std::string::npos, AddError("10.0.0.0/+8").find("from 0 to 32"));
  EXPECT_NE(std::string::npos, AddError("10.0.0.0/8/8").find("from 0 to 32"));
  EXPECT_NE(std::string::npos, AddError("fe80::1%eth0").find("zone index"));
  EXPECT_NE(std::string::npos, AddError("10.1.2.3/8").find("(\"10.0.0.0/8\")"));
  EXPECT_NE(std::string::npos, AddError("192.168.1.10/24").find("(\"192.168.1.0/24\")"));
  EXPECT_NE(std::string::npos, AddError("fd00::1/8").find("(\"fd00::/8\")"));
}


TEST(ForwardedForEntries, EveryFieldInOrderSplitAndTrimmed)
{
  const HttpHeaders headers = {{"X-Forwarded-For", "192.0.2.1, 10.0.0.1"}, {"Host", "h"},
                               {"x-forwarded-for", " 10.0.0.2 ,,"}};
  EXPECT_EQ((std::vector<std::string>{"192.0.2.1", "10.0.0.1", "10.0.0.2"}),
            GetForwardedForEntries(ViewFields(headers)));
  EXPECT_TRUE(GetForwardedForEntries(ViewFields({{"Host", "h"}})).empty());
}


TEST(ForwardedForEntries, AddressesWithOrWithoutPorts)
{
  EXPECT_EQ(Address("192.0.2.1"), ParseForwardedForEntry("192.0.2.1"));
  EXPECT_EQ(Address("192.0.2.1"), ParseForwardedForEntry("192.0.2.1:51234"));
  EXPECT_EQ(Address("2001:db8::1"), ParseForwardedForEntry("2001:db8::1"));
  EXPECT_EQ(Address("2001:db8::1"), ParseForwardedForEntry("[2001:db8::1]"));
  EXPECT_EQ(Address("2001:db8::1"), ParseForwardedForEntry("[2001:db8::1]:51234"));
  EXPECT_EQ(Address("192.0.2.1"), ParseForwardedForEntry("::ffff:192.0.2.1"));
  EXPECT_FALSE(ParseForwardedForEntry("unknown"));
  EXPECT_FALSE(ParseForwardedForEntry("_hidden"));
  EXPECT_FALSE(ParseForwardedForEntry("[2001:db8::1"));
  EXPECT_FALSE(ParseForwardedForEntry("[2001:db8::1]x"));
  EXPECT_FALSE(ParseForwardedForEntry("fe80::1%eth0"));
  EXPECT_FALSE(ParseForwardedForEntry(""));
}


TEST(ResolveForwardedFor, AnUntrustedPeerIsTheClientWhateverItSays)
{
  const ForwardedClient client = ResolveForwardedFor(Address("203.0.113.5"), Ranges({"10.0.0.0/8"}),
                                                     {"198.51.100.1"});
  EXPECT_EQ(Address("203.0.113.5"), client.address);
  EXPECT_EQ(0u, client.entriesUsed);
}


TEST(ResolveForwardedFor, TheLastAddressThatIsNotTrustedIsTheClient)
{
  // A client's own spoofed entry ("6.6.6.6") is left of the one the balancer wrote.
  const ForwardedClient client = ResolveForwardedFor(Address("10.0.0.9"), Ranges({"10.0.0.0/8"}),
                                                     {"6.6.6.6", "198.51.100.1", "10.0.0.3"});
  EXPECT_EQ(Address("198.51.100.1"), client.address);
  EXPECT_EQ(2u, client.entriesUsed);
}


TEST(ResolveForwardedFor, AllTrustedGivesTheLeftmost)
{
  const ForwardedClient client = ResolveForwardedFor(Address("10.0.0.9"), Ranges({"10.0.0.0/8"}),
                                                     {"10.0.0.1", "10.0.0.2"});
  EXPECT_EQ(Address("10.0.0.1"), client.address);
  EXPECT_EQ(2u, client.entriesUsed);
}


TEST(ResolveForwardedFor, AnEntryThatIsNotAnAddressEndsTheWalk)
{
  const ForwardedClient client = ResolveForwardedFor(Address("10.0.0.9"), Ranges({"10.0.0.0/8"}),
                                                     {"198.51.100.1", "unknown", "10.0.0.2"});
  EXPECT_EQ(Address("10.0.0.2"), client.address);
  EXPECT_EQ(1u, client.entriesUsed);
}


TEST(ResolveForwardedFor, ATrustedPeerWithoutTheFieldIsTheClient)
{
  const ForwardedClient client = ResolveForwardedFor(Address("::ffff:10.0.0.9"), Ranges({"10.0.0.0/8"}), {});
  EXPECT_EQ(Address("10.0.0.9"), client.address);
  EXPECT_EQ(0u, client.entriesUsed);
}
