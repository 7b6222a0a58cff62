// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Policy/FramePolicy.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace OrthancCors;

namespace
{
  FramePolicy MakePolicy(const std::vector<std::string>& entries)
  {
    std::vector<OriginPattern> ancestors;
    for (const std::string& entry : entries)
    {
      ancestors.push_back(FramePolicy::ParseAncestor(entry));
    }
    return FramePolicy(std::move(ancestors));
  }

  bool Allows(const std::vector<std::string>& entries, const std::string& ancestor)
  {
    OriginParseResult parsed = ParseSerializedOrigin(ancestor);
    if (!parsed.origin)
    {
      throw std::runtime_error("test origin does not parse: " + ancestor);
    }
    return MakePolicy(entries).AllowsListedAncestor(*parsed.origin);
  }

  std::string ParseError(const std::string& entry)
  {
    try
    {
      FramePolicy::ParseAncestor(entry);
      return "";
    }
    catch (const std::invalid_argument& e)
    {
      return e.what();
    }
  }

  HttpHeaders WithPolicy(HttpHeaders headers, const FramePolicy& policy)
  {
    AddFramePolicyHeaders(headers, policy);
    return headers;
  }
}


TEST(FramePolicy, DefaultIsTheSameOriginOnly)
{
  const FramePolicy policy;
  EXPECT_TRUE(policy.IsSameOriginOnly());
  EXPECT_EQ("frame-ancestors 'self'", policy.GetDirective());
  EXPECT_FALSE(policy.AllowsListedAncestor(*ParseSerializedOrigin("https://portal.example").origin));
}

TEST(FramePolicy, DirectiveListsSelfThenTheEntriesAsWritten)
{
  EXPECT_EQ("frame-ancestors 'self' https://portal.example http://127.0.0.1:8080 https://*.hospital.example:8443",
            MakePolicy({ "https://portal.example", "http://127.0.0.1:8080", "https://*.hospital.example:8443" })
            .GetDirective());
  // 'none' is never written, and "*" only when listed.
  EXPECT_EQ("frame-ancestors 'self' *", MakePolicy({ "*" }).GetDirective());
}

TEST(FramePolicy, EntriesThatCspCannotExpressAreRefusedWithTheReason)
{
  EXPECT_NE(std::string::npos, ParseError("regex:^https://a\\.example$").find("no regular expressions"));
  EXPECT_NE(std::string::npos, ParseError("null").find("opaque origin"));
  EXPECT_NE(std::string::npos, ParseError("http://[::1]:8080").find("IPv6"));
  EXPECT_NE(std::string::npos, ParseError("https://portal.example/").find("not a serialized origin"));
  EXPECT_NE(std::string::npos, ParseError("https://portal.*.example").find("'*'"));
  EXPECT_NE(std::string::npos, ParseError("ws://portal.example").find("http:// or https://"));
  EXPECT_NE(std::string::npos, ParseError("wss://*.portal.example").find("http:// or https://"));
  EXPECT_EQ("", ParseError("https://*.hospital.example"));
  EXPECT_EQ("", ParseError("*"));
}

TEST(FramePolicy, Csp3HostSourceMatchesTheExactOrigin)
{
  EXPECT_TRUE(Allows({ "https://portal.example" }, "https://portal.example"));
  EXPECT_FALSE(Allows({ "https://portal.example" }, "https://portal.example:8443"));
  EXPECT_FALSE(Allows({ "https://portal.example" }, "https://evil.portal.example"));
  EXPECT_FALSE(Allows({ "https://portal.example" }, "https://portal.example.evil"));
  EXPECT_FALSE(Allows({ "https://portal.example" }, "null"));
}

TEST(FramePolicy, Csp3SchemePartMatchingUpgradesHttpToHttpsButNeverDowngrades)
{
  EXPECT_TRUE(Allows({ "http://portal.example" }, "https://portal.example"));
  EXPECT_TRUE(Allows({ "http://portal.example:8080" }, "https://portal.example:8080"));
  EXPECT_FALSE(Allows({ "https://portal.example" }, "http://portal.example"));
}

TEST(FramePolicy, Csp3PortPartMatchingTreatsTheDefaultPortAsNoPort)
{
  // "http://host:443" names https's default port: it matches "https://host".
  EXPECT_TRUE(Allows({ "http://portal.example:443" }, "https://portal.example"));
  EXPECT_FALSE(Allows({ "http://portal.example" }, "https://portal.example:80"));
  EXPECT_FALSE(Allows({ "http://portal.example" }, "http://portal.example:8080"));
}

TEST(FramePolicy, Csp3WildcardHostMatchesSubdomainsNeverTheBareDomain)
{
  EXPECT_TRUE(Allows({ "https://*.hospital.example" }, "https://ehr.hospital.example"));
  EXPECT_TRUE(Allows({ "https://*.hospital.example" }, "https://a.b.hospital.example"));
  EXPECT_FALSE(Allows({ "https://*.hospital.example" }, "https://hospital.example"));
  EXPECT_FALSE(Allows({ "https://*.hospital.example" }, "https://ehr.hospital.example:8443"));
  EXPECT_TRUE(Allows({ "http://*.hospital.example" }, "https://ehr.hospital.example"));
}

TEST(FramePolicy, Csp3StarMatchesNetworkSchemesOnly)
{
  EXPECT_TRUE(Allows({ "*" }, "https://anything.example"));
  EXPECT_TRUE(Allows({ "*" }, "http://127.0.0.1:3000"));
  EXPECT_FALSE(Allows({ "*" }, "chrome-extension://abcdef"));
  EXPECT_FALSE(Allows({ "*" }, "wss://portal.example"));
  EXPECT_FALSE(Allows({ "*" }, "null"));
}

TEST(FramePolicy, ResponseWithoutPolicyGetsTheDirectiveAndXFrameOptionsWhenSameOriginOnly)
{
  const HttpHeaders same = WithPolicy({ { "Content-Type", "text/html" } }, FramePolicy());
  ASSERT_EQ(3u, same.size());
  EXPECT_EQ((std::vector<std::string>{ "frame-ancestors 'self'" }), GetAll(same, "Content-Security-Policy"));
  EXPECT_EQ((std::vector<std::string>{ "SAMEORIGIN" }), GetAll(same, "X-Frame-Options"));

  // X-Frame-Options cannot list origins: browsers that know frame-ancestors ignore it
  // anyway, and those that do not would refuse the portal.
  const HttpHeaders listed = WithPolicy({}, MakePolicy({ "https://portal.example" }));
  EXPECT_EQ((std::vector<std::string>{ "frame-ancestors 'self' https://portal.example" }),
            GetAll(listed, "Content-Security-Policy"));
  EXPECT_TRUE(GetAll(listed, "X-Frame-Options").empty());
}

TEST(FramePolicy, ExistingPolicyWithoutFrameAncestorsGetsTheDirectiveAppended)
{
  const FramePolicy policy = MakePolicy({ "https://portal.example" });
  EXPECT_EQ((std::vector<std::string>{ "default-src 'self'; frame-ancestors 'self' https://portal.example" }),
            GetAll(WithPolicy({ { "content-security-policy", "default-src 'self'" } }, policy),
                   "Content-Security-Policy"));
  EXPECT_EQ((std::vector<std::string>{ "default-src 'self'; frame-ancestors 'self' https://portal.example" }),
            GetAll(WithPolicy({ { "Content-Security-Policy", "default-src 'self';  " } }, policy),
                   "Content-Security-Policy"));
}

TEST(FramePolicy, ExistingFrameAncestorsIsKeptAndBothPoliciesApply)
{
  // Browsers enforce every policy: the stricter of the two decides, nothing is lost.
  const HttpHeaders headers = WithPolicy({ { "Content-Security-Policy", "img-src *; FRAME-ANCESTORS 'none'" } },
                                         MakePolicy({ "https://portal.example" }));
  EXPECT_EQ((std::vector<std::string>{ "img-src *; FRAME-ANCESTORS 'none'",
                                       "frame-ancestors 'self' https://portal.example" }),
            GetAll(headers, "Content-Security-Policy"));

  // One field holding two policies, the second with the directive.
  const HttpHeaders twoPolicies = WithPolicy(
    { { "Content-Security-Policy", "img-src *, frame-ancestors https://a.example" } }, FramePolicy());
  EXPECT_EQ(2u, GetAll(twoPolicies, "Content-Security-Policy").size());
}

TEST(FramePolicy, ExistingXFrameOptionsIsLeftAlone)
{
  const HttpHeaders headers = WithPolicy({ { "X-Frame-Options", "DENY" } }, FramePolicy());
  EXPECT_EQ((std::vector<std::string>{ "DENY" }), GetAll(headers, "X-Frame-Options"));
}

TEST(FramePolicy, DirectiveNamesAreFoundCaseInsensitivelyAndNotInsideValues)
{
  EXPECT_TRUE(HasCspDirective("default-src 'self'; Frame-Ancestors 'none'", "frame-ancestors"));
  EXPECT_FALSE(HasCspDirective("default-src frame-ancestors", "frame-ancestors"));
  EXPECT_FALSE(HasCspDirective("frame-ancestorsx 'self'", "frame-ancestors"));
  EXPECT_FALSE(HasCspDirective("", "frame-ancestors"));
}
