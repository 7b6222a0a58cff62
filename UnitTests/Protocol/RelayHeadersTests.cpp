// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Protocol/RelayHeaders.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

namespace
{
  ForwardingContext MakeContext(const std::string& address = "192.0.2.7")
  {
    return ForwardingContext{boost::asio::ip::make_address(address), "https", "viewer.example:8043"};
  }

  std::string Single(const HttpHeaders& headers, const std::string& name)
  {
    const std::vector<std::string> values = GetAll(headers, name);
    EXPECT_EQ(1u, values.size()) << name;
    return values.empty() ? std::string() : values.front();
  }
}


TEST(HopByHop, FixedListIsRemovedWhateverTheCase)
{
  HttpHeaders headers = {
    {"connection", "keep-alive"}, {"Keep-Alive", "timeout=5"}, {"Proxy-Connection", "keep-alive"},
    {"te", "trailers"}, {"Trailer", "Expires"}, {"Transfer-Encoding", "chunked"}, {"Upgrade", "websocket"},
    {"Proxy-Authorization", "Basic eDp5"}, {"Proxy-Authenticate", "Basic"}, {"Accept", "*/*"}
  };
  RemoveHopByHopHeaders(headers);
  ASSERT_EQ(1u, headers.size());
  EXPECT_EQ("Accept", headers[0].name);
}


TEST(HopByHop, FieldsNamedByConnectionAreRemoved)
{
  HttpHeaders headers = {
    {"Connection", "close, X-Secret"}, {"Connection", " x-other "}, {"X-Secret", "1"}, {"X-Other", "2"},
    {"X-Kept", "3"}
  };
  RemoveHopByHopHeaders(headers);
  ASSERT_EQ(1u, headers.size());
  EXPECT_EQ("X-Kept", headers[0].name);
}


TEST(Forwarded, Ipv4NodeIsBare)
{
  EXPECT_EQ("192.0.2.43", FormatForwardedNode(boost::asio::ip::make_address("192.0.2.43")));
}


TEST(Forwarded, Ipv6NodeIsBracketedAndQuoted)
{
  EXPECT_EQ("\"[2001:db8:cafe::17]\"", FormatForwardedNode(boost::asio::ip::make_address("2001:db8:cafe::17")));
}


TEST(Forwarded, Ipv4MappedIpv6NodeIsWrittenAsIpv4)
{
  EXPECT_EQ("192.0.2.43", FormatForwardedNode(boost::asio::ip::make_address("::ffff:192.0.2.43")));
}


TEST(Forwarded, CarriesClientHostAndGatewayScheme)
{
  EXPECT_EQ("for=192.0.2.7;host=viewer.example:8043;proto=https", FormatForwarded(MakeContext()));
}


TEST(UpstreamRequestHeaders, EndToEndFieldsAuthorizationAndHostPassThrough)
{
  const HttpHeaders client = {
    {"Host", "viewer.example:8043"}, {"Authorization", "Bearer abc"}, {"Accept", "multipart/related; type=\"application/dicom\""},
    {"Origin", "http://localhost:3000"}, {"Cookie", "a=b"}
  };
  const HttpHeaders upstream = BuildUpstreamRequestHeaders(client, MakeContext());
  EXPECT_EQ("viewer.example:8043", Single(upstream, "Host"));
  EXPECT_EQ("Bearer abc", Single(upstream, "Authorization"));
  EXPECT_EQ("multipart/related; type=\"application/dicom\"", Single(upstream, "Accept"));
  EXPECT_EQ("http://localhost:3000", Single(upstream, "Origin"));
  EXPECT_EQ("a=b", Single(upstream, "Cookie"));
}


TEST(UpstreamRequestHeaders, HopByHopExpectAndFramingAreDropped)
{
  const HttpHeaders client = {
    {"Host", "h"}, {"Connection", "keep-alive, X-Hop"}, {"X-Hop", "1"}, {"Expect", "100-continue"},
    {"Content-Length", "10"}, {"Transfer-Encoding", "chunked"}, {"Proxy-Authorization", "Basic eDp5"}
  };
  const HttpHeaders upstream = BuildUpstreamRequestHeaders(client, MakeContext());
  for (const char* name : {"Connection", "X-Hop", "Expect", "Content-Length", "Transfer-Encoding", "Proxy-Authorization"})
  {
    EXPECT_TRUE(GetAll(upstream, name).empty()) << name;
  }
}


TEST(UpstreamRequestHeaders, ClientForwardedFieldsAreReplacedNotTrusted)
{
  const HttpHeaders client = {
    {"Host", "viewer.example:8043"}, {"Forwarded", "for=6.6.6.6;host=evil.example;proto=http"},
    {"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "evil.example"}
  };
  const HttpHeaders upstream = BuildUpstreamRequestHeaders(client, MakeContext());
  EXPECT_EQ("for=192.0.2.7;host=viewer.example:8043;proto=https", Single(upstream, "Forwarded"));
  EXPECT_EQ("https", Single(upstream, "X-Forwarded-Proto"));
  EXPECT_EQ("viewer.example:8043", Single(upstream, "X-Forwarded-Host"));
}


TEST(UpstreamRequestHeaders, ClientAddressIsAppendedToForwardedFor)
{
  const HttpHeaders client = {{"Host", "h"}, {"X-Forwarded-For", "10.0.0.1"}, {"X-Forwarded-For", "10.0.0.2"}};
  const HttpHeaders upstream = BuildUpstreamRequestHeaders(client, MakeContext("2001:db8::1"));
  EXPECT_EQ("10.0.0.1, 10.0.0.2, 2001:db8::1", Single(upstream, "X-Forwarded-For"));
}


TEST(UpstreamRequestHeaders, MissingHostIsFilledWithTheGatewaysOwn)
{
  ForwardingContext context = MakeContext();
  context.host = "127.0.0.1:8043";
  const HttpHeaders upstream = BuildUpstreamRequestHeaders({{"Accept", "*/*"}}, context);
  EXPECT_EQ("127.0.0.1:8043", Single(upstream, "Host"));
}


TEST(ClientResponseHeaders, HopByHopFieldsOfOrthancAreDroppedOthersKept)
{
  const HttpHeaders upstream = {
    {"Connection", "keep-alive"}, {"Keep-Alive", "timeout=1"}, {"Transfer-Encoding", "chunked"},
    {"Content-Type", "application/dicom+json"}, {"WWW-Authenticate", "Basic realm=\"Orthanc\""}, {"Content-Length", "5"}
  };
  const HttpHeaders client = BuildClientResponseHeaders(upstream);
  EXPECT_TRUE(GetAll(client, "Connection").empty());
  EXPECT_TRUE(GetAll(client, "Keep-Alive").empty());
  EXPECT_TRUE(GetAll(client, "Transfer-Encoding").empty());
  EXPECT_EQ("application/dicom+json", Single(client, "Content-Type"));
  EXPECT_EQ("Basic realm=\"Orthanc\"", Single(client, "WWW-Authenticate"));
  EXPECT_EQ("5", Single(client, "Content-Length"));
}


TEST(UpstreamRequestHeaders, ForwardedForEndsWithTheClientATrustedProxyNamed)
{
  // Resolved by ResolveForwardedFor: "198.51.100.1" and the trusted "10.0.0.3" after it.
  const HttpHeaders client = {{"Host", "h"}, {"X-Forwarded-For", "6.6.6.6, 198.51.100.1"},
                              {"X-Forwarded-For", "10.0.0.3"}};
  ForwardingContext context = MakeContext("198.51.100.1");
  context.forwardedForEntriesUsed = 2;
  const HttpHeaders upstream = BuildUpstreamRequestHeaders(client, context);
  EXPECT_EQ("6.6.6.6, 198.51.100.1", Single(upstream, "X-Forwarded-For"));
  EXPECT_EQ("for=198.51.100.1;host=viewer.example:8043;proto=https", Single(upstream, "Forwarded"));
}


TEST(TrustedForwardedScheme, OneFieldNamingHttpOrHttps)
{
  EXPECT_STREQ("https", GetTrustedForwardedScheme(ViewFields({{"X-Forwarded-Proto", "https"}})));
  EXPECT_STREQ("https", GetTrustedForwardedScheme(ViewFields({{"x-forwarded-proto", " HTTPS "}})));
  EXPECT_STREQ("http", GetTrustedForwardedScheme(ViewFields({{"X-Forwarded-Proto", "http"}})));
  EXPECT_EQ(nullptr, GetTrustedForwardedScheme(ViewFields({})));
  EXPECT_EQ(nullptr, GetTrustedForwardedScheme(ViewFields({{"X-Forwarded-Proto", "https, http"}})));
  EXPECT_EQ(nullptr, GetTrustedForwardedScheme(ViewFields({{"X-Forwarded-Proto", "wss"}})));
  EXPECT_EQ(nullptr, GetTrustedForwardedScheme(ViewFields({{"X-Forwarded-Proto", "https"},
                                                           {"X-Forwarded-Proto", "https"}})));
}
