// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Protocol/ProxyProtocol.h"

#include <gtest/gtest.h>

#include <string>

using namespace OrthancCors;

namespace
{
  const std::string V2_SIGNATURE("\r\n\r\n\0\r\nQUIT\n", 12);

  // A version 2 header: signature, version and command, family, length, then `payload`.
  std::string Version2(uint8_t versionAndCommand, uint8_t family, const std::string& payload)
  {
    std::string header = V2_SIGNATURE;
    header += static_cast<char>(versionAndCommand);
    header += static_cast<char>(family);
    header += static_cast<char>(payload.size() >> 8);
    header += static_cast<char>(payload.size() & 0xFF);
    return header + payload;
  }

  // The address block of TCP over IPv4: source 198.51.100.7:51234, destination 10.0.0.5:8043.
  const std::string IPV4_ADDRESSES("\xC6\x33\x64\x07\x0A\x00\x00\x05\xC8\x22\x1F\x6B", 12);

  boost::asio::ip::address Address(const char* text)
  {
    return boost::asio::ip::make_address(text);
  }
}


TEST(ProxyProtocolVersion1, Tcp4NamesTheSource)
{
  const std::string received = "PROXY TCP4 198.51.100.7 10.0.0.5 51234 8043\r\nGET / HTTP/1.1\r\n";
  const ProxyHeader header = ParseProxyHeader(received);
  ASSERT_EQ(ProxyHeader::Status::Complete, header.status);
  EXPECT_EQ(received.find("GET"), header.length);
  EXPECT_EQ(Address("198.51.100.7"), header.source);
}


TEST(ProxyProtocolVersion1, Tcp6NamesTheSource)
{
  const ProxyHeader header = ParseProxyHeader("PROXY TCP6 2001:db8::7 2001:db8::1 51234 443\r\n");
  ASSERT_EQ(ProxyHeader::Status::Complete, header.status);
  EXPECT_EQ(Address("2001:db8::7"), header.source);
}


TEST(ProxyProtocolVersion1, UnknownKeepsThePeer)
{
  const ProxyHeader header = ParseProxyHeader("PROXY UNKNOWN ffff:f...f:ffff 3 4\r\n\x16\x03");
  ASSERT_EQ(ProxyHeader::Status::Complete, header.status);
  EXPECT_EQ(std::string("PROXY UNKNOWN ffff:f...f:ffff 3 4\r\n").size(), header.length);
  EXPECT_FALSE(header.source);
}


TEST(ProxyProtocolVersion1, IncompleteUntilTheLineEnds)
{
  EXPECT_EQ(ProxyHeader::Status::Incomplete, ParseProxyHeader("").status);
  EXPECT_EQ(ProxyHeader::Status::Incomplete, ParseProxyHeader("PRO").status);
  EXPECT_EQ(ProxyHeader::Status::Incomplete, ParseProxyHeader("PROXY TCP4 198.51.100.7").status);
  EXPECT_EQ(ProxyHeader::Status::Incomplete, ParseProxyHeader("PROXY TCP4 198.51.100.7 10.0.0.5 1 2\r").status);
}


TEST(ProxyProtocolVersion1, MalformedLines)
{
  for (const char* line : {
         "PROXY TCP4 198.51.100.7 10.0.0.5 51234\r\n",           // a port missing
         "PROXY TCP4 2001:db8::7 10.0.0.5 51234 8043\r\n",       // IPv6 in a TCP4 line
         "PROXY TCP6 198.51.100.7 2001:db8::1 51234 8043\r\n",   // IPv4 in a TCP6 line
         "PROXY TCP4 198.51.100.7 10.0.0.5 65536 8043\r\n",      // a port past 65535
         "PROXY TCP4 198.51.100.7 10.0.0.5 051234 8043\r\n",     // a leading zero
         "PROXY TCP4  198.51.100.7 10.0.0.5 51234 8043\r\n",     // two spaces
         "PROXY UDP4 198.51.100.7 10.0.0.5 51234 8043\r\n",      // not a protocol of version 1
         "PROXY TCP4 198.51.100.7 10.0.0.5 51234 8043\n"         // a bare LF: then no CRLF within 107 bytes
         "                                                                              "})
  {
    EXPECT_EQ(ProxyHeader::Status::Malformed, ParseProxyHeader(line).status) << line;
  }
  EXPECT_EQ(ProxyHeader::Status::Malformed, ParseProxyHeader("PROXY " + std::string(200, 'x')).status);
}


TEST(ProxyProtocolVersion1, OtherFirstBytesAreAbsent)
{
  EXPECT_EQ(ProxyHeader::Status::Absent, ParseProxyHeader("GET / HTTP/1.1\r\n").status);
  EXPECT_EQ(ProxyHeader::Status::Absent, ParseProxyHeader("POST /instances HTTP/1.1\r\n").status);
  EXPECT_EQ(ProxyHeader::Status::Absent, ParseProxyHeader("PROXYX").status);
  EXPECT_EQ(ProxyHeader::Status::Absent, ParseProxyHeader(std::string("\x16\x03\x01\x02\x00", 5)).status);
}


TEST(ProxyProtocolVersion2, ProxyCommandOverIpv4NamesTheSource)
{
  const std::string header = Version2(0x21, 0x11, IPV4_ADDRESSES);
  const ProxyHeader parsed = ParseProxyHeader(header + "GET / HTTP/1.1\r\n");
  ASSERT_EQ(ProxyHeader::Status::Complete, parsed.status);
  EXPECT_EQ(header.size(), parsed.length);
  EXPECT_EQ(Address("198.51.100.7"), parsed.source);
}


TEST(ProxyProtocolVersion2, ProxyCommandOverIpv6NamesTheSource)
{
  std::string addresses(36, '\0');
  addresses[0] = '\x20';
  addresses[1] = '\x01';
  addresses[2] = '\x0d';
  addresses[3] = '\xb8';
  addresses[15] = '\x07';
  const ProxyHeader parsed = ParseProxyHeader(Version2(0x21, 0x21, addresses));
  ASSERT_EQ(ProxyHeader::Status::Complete, parsed.status);
  EXPECT_EQ(Address("2001:db8::7"), parsed.source);
}


TEST(ProxyProtocolVersion2, ExtensionsAfterTheAddressesAreSkipped)
{
  // A PP2_TYPE_UNIQUE_ID extension, as HAProxy's "proxy-v2-options unique-id" adds.
  const std::string header = Version2(0x21, 0x11, IPV4_ADDRESSES + std::string("\x05\x00\x03" "abc", 6));
  const ProxyHeader parsed = ParseProxyHeader(header + "\x16\x03\x01");
  ASSERT_EQ(ProxyHeader::Status::Complete, parsed.status);
  EXPECT_EQ(header.size(), parsed.length);
  EXPECT_EQ(Address("198.51.100.7"), parsed.source);
}


TEST(ProxyProtocolVersion2, LocalCommandAndOtherFamiliesKeepThePeer)
{
  // LOCAL: the balancer's own health check, whatever addresses follow.
  const ProxyHeader local = ParseProxyHeader(Version2(0x20, 0x11, IPV4_ADDRESSES));
  ASSERT_EQ(ProxyHeader::Status::Complete, local.status);
  EXPECT_FALSE(local.source);
  EXPECT_FALSE(ParseProxyHeader(Version2(0x20, 0x00, "")).source);

  const ProxyHeader unspecified = ParseProxyHeader(Version2(0x21, 0x00, ""));
  ASSERT_EQ(ProxyHeader::Status::Complete, unspecified.status);
  EXPECT_FALSE(unspecified.source);

  const ProxyHeader unixSocket = ParseProxyHeader(Version2(0x21, 0x31, std::string(216, '\0')));
  ASSERT_EQ(ProxyHeader::Status::Complete, unixSocket.status);
  EXPECT_FALSE(unixSocket.source);
}


TEST(ProxyProtocolVersion2, IncompleteUntilEveryAnnouncedByte)
{
  const std::string header = Version2(0x21, 0x11, IPV4_ADDRESSES);
  for (std::size_t size = 1; size < header.size(); size++)
  {
    EXPECT_EQ(ProxyHeader::Status::Incomplete, ParseProxyHeader(header.substr(0, size)).status) << size;
  }
}


TEST(ProxyProtocolVersion2, MalformedHeaders)
{
  EXPECT_EQ(ProxyHeader::Status::Malformed, ParseProxyHeader(Version2(0x11, 0x11, IPV4_ADDRESSES)).status);   // version 1
  EXPECT_EQ(ProxyHeader::Status::Malformed, ParseProxyHeader(Version2(0x22, 0x11, IPV4_ADDRESSES)).status);   // command 2
  EXPECT_EQ(ProxyHeader::Status::Malformed, ParseProxyHeader(Version2(0x21, 0x11, "short")).status);
  EXPECT_EQ(ProxyHeader::Status::Malformed, ParseProxyHeader(Version2(0x21, 0x21, IPV4_ADDRESSES)).status);   // IPv6, 12 bytes
  EXPECT_EQ(ProxyHeader::Status::Malformed, ParseProxyHeader(Version2(0x21, 0x41, IPV4_ADDRESSES)).status);   // family 4
  const ProxyHeader tooLong = ParseProxyHeader(Version2(0x21, 0x11, std::string(MAX_PROXY_HEADER_V2_LENGTH, 'x')));
  EXPECT_EQ(ProxyHeader::Status::Malformed, tooLong.status);
  EXPECT_NE(std::string::npos, tooLong.error.find("more than"));
}


TEST(ProxyProtocolVersion2, ASignatureThatDiffersIsAbsent)
{
  // Blank lines before a request: a signature's first bytes, then something else.
  EXPECT_EQ(ProxyHeader::Status::Incomplete, ParseProxyHeader("\r\n\r\n").status);
  EXPECT_EQ(ProxyHeader::Status::Absent, ParseProxyHeader("\r\n\r\nGET / HTTP/1.1\r\n").status);
}
