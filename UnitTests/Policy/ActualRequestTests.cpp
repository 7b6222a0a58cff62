// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PolicyFixtures.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  const std::string VIEWER = "https://viewer.example";

  CorsDecision Actual(const Policy& policy,
                      const std::string& origin,
                      const std::string& target = "/dicom-web/studies",
                      const std::string& method = "GET")
  {
    HttpHeaders headers;
    if (!origin.empty())
    {
      headers.push_back({ "Origin", origin });
    }
    return EvaluateActualRequest(policy, MakeRequest(method, target, headers));
  }
}


TEST(ActualRequest, AllowedOriginGetsAllowOriginVaryExposeAndResourcePolicy)
{
  CorsDecision decision = Actual(MakePolicy(RouteSpec()), VIEWER);
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome);
  EXPECT_EQ(0, decision.status);
  EXPECT_EQ(VIEWER, ValueOf(decision.headers, "Access-Control-Allow-Origin"));
  EXPECT_EQ("Origin", ValueOf(decision.headers, "Vary"));
  EXPECT_EQ("Content-Length, ETag", ValueOf(decision.headers, "Access-Control-Expose-Headers"));
  EXPECT_EQ("cross-origin", ValueOf(decision.headers, "Cross-Origin-Resource-Policy"));
  EXPECT_FALSE(Has(decision.headers, "Access-Control-Allow-Credentials"));
  EXPECT_FALSE(Has(decision.headers, "Access-Control-Allow-Methods"));
  EXPECT_EQ(0u, decision.reason.rfind("allowed: ", 0)) << decision.reason;
}

TEST(ActualRequest, CredentialsAddAllowCredentialsTrue)
{
  RouteSpec route;
  route.credentials = true;
  CorsDecision decision = Actual(MakePolicy(route), VIEWER);
  EXPECT_EQ("true", ValueOf(decision.headers, "Access-Control-Allow-Credentials"));
  EXPECT_EQ(VIEWER, ValueOf(decision.headers, "Access-Control-Allow-Origin"));
}

TEST(ActualRequest, AnyOriginWithoutCredentialsAnswersStar)
{
  RouteSpec route;
  route.origins = { "*" };
  EXPECT_EQ("*", ValueOf(Actual(MakePolicy(route), "https://other.example").headers, "Access-Control-Allow-Origin"));
}

TEST(ActualRequest, DisallowedOriginGetsOnlyVaryAndResourcePolicy)
{
  CorsDecision decision = Actual(MakePolicy(RouteSpec()), "https://evil.example");
  EXPECT_EQ(CorsDecision::Outcome::Refused, decision.outcome);
  EXPECT_EQ(0, decision.status);
  EXPECT_EQ(0u, CountAccessControlFields(decision.headers));
  EXPECT_EQ("Origin", ValueOf(decision.headers, "Vary"));
  EXPECT_EQ("cross-origin", ValueOf(decision.headers, "Cross-Origin-Resource-Policy"));
  EXPECT_EQ(2u, decision.headers.size());
  EXPECT_NE(std::string::npos, decision.reason.find("origin https://evil.example is not in AllowedOrigins"));
}

TEST(ActualRequest, InvalidOriginIsNeverReflected)
{
  for (const std::string& hostile : { std::string("https://viewer.example\r\nX-Injected: 1"),
                                      std::string("https://viewer.example@evil.example"),
                                      std::string("https://viewer.example, https://evil.example"),
                                      std::string("https://viewer.example:443"),
                                      std::string("https://VIEWER.example") })
  {
    CorsDecision decision = Actual(MakePolicy(RouteSpec()), hostile);
    EXPECT_EQ(CorsDecision::Outcome::Refused, decision.outcome) << hostile;
    EXPECT_EQ(0u, CountAccessControlFields(decision.headers)) << hostile;
    EXPECT_EQ("Origin", ValueOf(decision.headers, "Vary"));
    EXPECT_NE(std::string::npos, decision.reason.find("not a serialized origin")) << decision.reason;
  }
}

TEST(ActualRequest, NoOriginIsNotCorsButStillGetsVaryAndResourcePolicy)
{
  CorsDecision decision = Actual(MakePolicy(RouteSpec()), "");
  EXPECT_EQ(CorsDecision::Outcome::NotCors, decision.outcome);
  EXPECT_EQ(0u, CountAccessControlFields(decision.headers));
  EXPECT_EQ("Origin", ValueOf(decision.headers, "Vary"));
  EXPECT_EQ("cross-origin", ValueOf(decision.headers, "Cross-Origin-Resource-Policy"));
  EXPECT_FALSE(decision.reason.empty());
}

TEST(ActualRequest, EmptyResourcePolicyAddsNoCorp)
{
  PolicySpec spec;
  spec.resourcePolicy = "";
  EXPECT_FALSE(Has(Actual(MakePolicy(spec), VIEWER).headers, "Cross-Origin-Resource-Policy"));
}

TEST(ActualRequest, PathUnderNoRouteGetsNoHeadersAtAll)
{
  CorsDecision decision = Actual(MakePolicy(RouteSpec()), VIEWER, "/tools/find", "POST");
  EXPECT_EQ(CorsDecision::Outcome::NotExposed, decision.outcome);
  EXPECT_EQ(0, decision.status);
  EXPECT_TRUE(decision.headers.empty());
  EXPECT_NE(std::string::npos, decision.reason.find("/tools/find"));
}

TEST(ActualRequest, DotSegmentsOutOfTheRouteGetNoHeaders)
{
  EXPECT_EQ(CorsDecision::Outcome::NotExposed,
            Actual(MakePolicy(RouteSpec()), VIEWER, "/dicom-web/../tools/execute-script", "POST").outcome);
  EXPECT_EQ(CorsDecision::Outcome::NotExposed,
            Actual(MakePolicy(RouteSpec()), VIEWER, "/dicom-web/%2e%2e/instances", "POST").outcome);
}

TEST(ActualRequest, ExposeHeadersStarOnlyWithoutCredentials)
{
  RouteSpec route;
  route.exposed = { "*", "ETag" };
  EXPECT_EQ("ETag, *", ValueOf(Actual(MakePolicy(route), VIEWER).headers, "Access-Control-Expose-Headers"));

  route.credentials = true;
  EXPECT_EQ("ETag", ValueOf(Actual(MakePolicy(route), VIEWER).headers, "Access-Control-Expose-Headers"));
}

TEST(ActualRequest, EmptyExposeHeadersIsOmitted)
{
  RouteSpec route;
  route.exposed = {};
  EXPECT_FALSE(Has(Actual(MakePolicy(route), VIEWER).headers, "Access-Control-Expose-Headers"));
}

TEST(ActualRequest, OpaqueOriginAllowedOnlyWhenNullIsListed)
{
  RouteSpec route;
  route.origins = { "*" };
  EXPECT_EQ(CorsDecision::Outcome::Refused, Actual(MakePolicy(route), "null").outcome);

  route.origins = { "null" };
  CorsDecision decision = Actual(MakePolicy(route), "null");
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome);
  EXPECT_EQ("null", ValueOf(decision.headers, "Access-Control-Allow-Origin"));
}

TEST(ActualRequest, QueryStringDoesNotAffectRouting)
{
  EXPECT_EQ(CorsDecision::Outcome::Allowed,
            Actual(MakePolicy(RouteSpec()), VIEWER, "/dicom-web/studies?includefield=all").outcome);
  EXPECT_EQ(CorsDecision::Outcome::NotExposed,
            Actual(MakePolicy(RouteSpec()), VIEWER, "/tools?x=/dicom-web/").outcome);
}

TEST(ActualRequest, SubdomainPatternMatchesTheParsedHostNotTheString)
{
  RouteSpec route;
  route.origins = { "https://*.example.org" };
  Policy policy = MakePolicy(route);
  EXPECT_EQ(CorsDecision::Outcome::Allowed, Actual(policy, "https://viewer.example.org").outcome);
  EXPECT_EQ(CorsDecision::Outcome::Refused, Actual(policy, "https://evil.com/.example.org").outcome);
  EXPECT_EQ(CorsDecision::Outcome::Refused, Actual(policy, "https://example.org.evil.com").outcome);
  EXPECT_EQ(CorsDecision::Outcome::Refused, Actual(policy, "https://evil-example.org").outcome);
  EXPECT_EQ(CorsDecision::Outcome::Refused, Actual(policy, "https://viewer.example.org.").outcome);
}

TEST(ActualRequest, RefusalNamesWhatRefusedIt)
{
  const Policy policy = MakePolicy(RouteSpec());
  EXPECT_EQ(CorsDecision::Refusal::None,
            EvaluateActualRequest(policy, MakeRequest("GET", "/dicom-web/studies", {})).refusal);
  EXPECT_EQ(CorsDecision::Refusal::None, EvaluateActualRequest(
    policy, MakeRequest("GET", "/dicom-web/studies", { { "Origin", "https://viewer.example" } })).refusal);
  EXPECT_EQ(CorsDecision::Refusal::Origin, EvaluateActualRequest(
    policy, MakeRequest("GET", "/dicom-web/studies", { { "Origin", "https://evil.example" } })).refusal);
  EXPECT_EQ(CorsDecision::Refusal::Route, EvaluateActualRequest(
    policy, MakeRequest("GET", "/tools/find", { { "Origin", "https://viewer.example" } })).refusal);
}
