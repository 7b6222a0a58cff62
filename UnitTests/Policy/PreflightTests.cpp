// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PolicyFixtures.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  const std::string VIEWER = "https://viewer.example";
  const std::string PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

  CorsDecision Preflight(const Policy& policy,
                         const std::string& requestMethod,
                         const std::string& requestHeaders = "",
                         const std::string& origin = VIEWER,
                         const std::string& target = "/dicom-web/studies")
  {
    return EvaluatePreflight(policy, MakePreflight(target, origin, requestMethod, requestHeaders));
  }

  void ExpectRefusedWithoutAccessControl(const CorsDecision& decision, const std::string& reasonExcerpt)
  {
    EXPECT_EQ(CorsDecision::Outcome::Refused, decision.outcome);
    EXPECT_EQ(403, decision.status);
    EXPECT_EQ(0u, CountAccessControlFields(decision.headers));
    EXPECT_EQ(PREFLIGHT_VARY, ValueOf(decision.headers, "Vary"));
    EXPECT_NE(std::string::npos, decision.reason.find(reasonExcerpt)) << "reason: " << decision.reason;
  }
}


TEST(PreflightRequest, IsOptionsWithOriginAndRequestMethod)
{
  EXPECT_TRUE(MakePreflight("/dicom-web/", VIEWER, "GET").IsPreflight());
  EXPECT_FALSE(MakeRequest("OPTIONS", "/dicom-web/", { { "Origin", VIEWER } }).IsPreflight());
  EXPECT_FALSE(MakeRequest("GET", "/dicom-web/", { { "Origin", VIEWER },
                                                   { "Access-Control-Request-Method", "GET" } }).IsPreflight());
  EXPECT_FALSE(MakeRequest("options", "/dicom-web/", { { "Origin", VIEWER },
                                                       { "Access-Control-Request-Method", "GET" } }).IsPreflight());
}

TEST(PreflightRequest, WithoutOriginIsNotACorsRequest)
{
  CorsRequest request = MakeRequest("OPTIONS", "/dicom-web/", { { "Access-Control-Request-Method", "GET" } });
  EXPECT_FALSE(request.HasOrigin());
  EXPECT_FALSE(request.IsPreflight());
}

TEST(PreflightRequest, QueryIsCutFromTheTargetAndFieldsAreCollectedCaseInsensitively)
{
  CorsRequest request = MakeRequest("OPTIONS", "/dicom-web/studies?PatientID=1",
                                    { { "origin", VIEWER },
                                      { "ACCESS-CONTROL-REQUEST-METHOD", "GET" },
                                      { "access-control-request-headers", "a" },
                                      { "Access-Control-Request-Headers", "b" },
                                      { "Access-Control-Request-Private-Network", "true" } });
  EXPECT_EQ("/dicom-web/studies", request.path);
  EXPECT_EQ(std::vector<std::string>({ VIEWER }), request.origins);
  EXPECT_EQ(std::vector<std::string>({ "GET" }), request.requestMethods);
  EXPECT_EQ(std::vector<std::string>({ "a", "b" }), request.requestHeaders);
  EXPECT_EQ(std::vector<std::string>({ "true" }), request.requestPrivateNetwork);
}

TEST(Preflight, AllowedIs204WithContentLengthZero)
{
  const Policy policy = MakePolicy(RouteSpec());   // decision.route points into it
  CorsDecision decision = Preflight(policy, "GET");
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome);
  EXPECT_EQ(204, decision.status);
  EXPECT_EQ("0", ValueOf(decision.headers, "Content-Length"));
  EXPECT_EQ(0u, decision.reason.rfind("allowed: ", 0)) << decision.reason;
  ASSERT_NE(nullptr, decision.route);
  EXPECT_EQ("/dicom-web/", decision.route->prefix);
}

TEST(Preflight, AllowedReflectsTheSerializedOriginAndListsTheRouteMethods)
{
  CorsDecision decision = Preflight(MakePolicy(RouteSpec()), "DELETE");
  EXPECT_EQ(VIEWER, ValueOf(decision.headers, "Access-Control-Allow-Origin"));
  EXPECT_EQ("GET, HEAD, POST, PUT, DELETE", ValueOf(decision.headers, "Access-Control-Allow-Methods"));
  EXPECT_FALSE(Has(decision.headers, "Access-Control-Allow-Credentials"));
}

TEST(Preflight, AllowedVariesOnOriginRequestMethodAndRequestHeaders)
{
  CorsDecision decision = Preflight(MakePolicy(RouteSpec()), "GET");
  EXPECT_EQ(PREFLIGHT_VARY, ValueOf(decision.headers, "Vary"));
}

TEST(Preflight, MaxAgeIsThePolicyValue)
{
  PolicySpec spec;
  spec.maxAge = 7200;
  EXPECT_EQ("7200", ValueOf(Preflight(MakePolicy(spec), "GET").headers, "Access-Control-Max-Age"));
  spec.maxAge = 0;
  EXPECT_EQ("0", ValueOf(Preflight(MakePolicy(spec), "GET").headers, "Access-Control-Max-Age"));
}

TEST(Preflight, CredentialsAddAllowCredentialsTrue)
{
  RouteSpec route;
  route.credentials = true;
  CorsDecision decision = Preflight(MakePolicy(route), "GET");
  EXPECT_EQ("true", ValueOf(decision.headers, "Access-Control-Allow-Credentials"));
  EXPECT_EQ(VIEWER, ValueOf(decision.headers, "Access-Control-Allow-Origin"));
}

TEST(Preflight, AnyOriginWithoutCredentialsAnswersStar)
{
  RouteSpec route;
  route.origins = { "*" };
  EXPECT_EQ("*", ValueOf(Preflight(MakePolicy(route), "GET", "", "https://other.example").headers,
                         "Access-Control-Allow-Origin"));
}

TEST(Preflight, AnyOriginWithCredentialsReflectsTheOriginNeverStar)
{
  RouteSpec route;
  route.origins = { "*" };
  route.credentials = true;
  EXPECT_EQ("https://other.example", ValueOf(Preflight(MakePolicy(route), "GET", "", "https://other.example").headers,
                                             "Access-Control-Allow-Origin"));
}

TEST(Preflight, OpaqueOriginAllowedOnlyWhenNullIsListedAndAnsweredAsNull)
{
  RouteSpec anyOnly;
  anyOnly.origins = { "*" };
  ExpectRefusedWithoutAccessControl(Preflight(MakePolicy(anyOnly), "GET", "", "null"), "not in AllowedOrigins");

  RouteSpec withNull;
  withNull.origins = { "null" };
  CorsDecision decision = Preflight(MakePolicy(withNull), "GET", "", "null");
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome);
  EXPECT_EQ("null", ValueOf(decision.headers, "Access-Control-Allow-Origin"));
}

TEST(Preflight, OriginNotAllowedIs403WithVaryAndNoAccessControlHeader)
{
  CorsDecision decision = Preflight(MakePolicy(RouteSpec()), "GET", "", "https://evil.example");
  ExpectRefusedWithoutAccessControl(decision, "origin https://evil.example is not in AllowedOrigins for route /dicom-web/");
  EXPECT_FALSE(Has(decision.headers, "Content-Length"));
}

TEST(Preflight, InvalidOriginIsRefusedWithTheParserReason)
{
  ExpectRefusedWithoutAccessControl(Preflight(MakePolicy(RouteSpec()), "GET", "", "https://viewer.example/"),
                                    "trailing '/'");
  ExpectRefusedWithoutAccessControl(Preflight(MakePolicy(RouteSpec()), "GET", "", "https://viewer.example:443"),
                                    "default port");
}

TEST(Preflight, SeveralOriginFieldsAreRefused)
{
  CorsRequest request = MakeRequest("OPTIONS", "/dicom-web/", { { "Origin", VIEWER },
                                                                { "Origin", VIEWER },
                                                                { "Access-Control-Request-Method", "GET" } });
  ExpectRefusedWithoutAccessControl(EvaluatePreflight(MakePolicy(RouteSpec()), request), "several Origin");
}

TEST(Preflight, WithoutOriginIsRefusedWhenEvaluatedAnyway)
{
  CorsRequest request = MakeRequest("OPTIONS", "/dicom-web/", { { "Access-Control-Request-Method", "GET" } });
  ExpectRefusedWithoutAccessControl(EvaluatePreflight(MakePolicy(RouteSpec()), request), "no Origin");
}

TEST(Preflight, PathUnderNoRouteIsNotExposedWith403AndNoHeaders)
{
  CorsDecision decision = Preflight(MakePolicy(RouteSpec()), "GET", "", VIEWER, "/tools/find");
  EXPECT_EQ(CorsDecision::Outcome::NotExposed, decision.outcome);
  EXPECT_EQ(403, decision.status);
  EXPECT_TRUE(decision.headers.empty());
  EXPECT_EQ(nullptr, decision.route);
  EXPECT_NE(std::string::npos, decision.reason.find("/tools/find"));
  EXPECT_NE(std::string::npos, decision.reason.find("Cors.Routes"));
}

TEST(Preflight, DotSegmentsOutOfTheRouteAreNotExposed)
{
  EXPECT_EQ(CorsDecision::Outcome::NotExposed,
            Preflight(MakePolicy(RouteSpec()), "POST", "", VIEWER, "/dicom-web/%2e%2e/tools/execute-script").outcome);
}

TEST(Preflight, MethodsAreCaseSensitive)
{
  RouteSpec route;
  route.methods = { "GET", "PATCH" };
  Policy policy = MakePolicy(route);
  EXPECT_EQ(CorsDecision::Outcome::Allowed, Preflight(policy, "PATCH").outcome);
  ExpectRefusedWithoutAccessControl(Preflight(policy, "patch"), "method patch is not in AllowedMethods");
}

TEST(Preflight, MethodNotInAllowedMethodsIsRefused)
{
  RouteSpec route;
  route.methods = { "GET" };
  ExpectRefusedWithoutAccessControl(Preflight(MakePolicy(route), "DELETE"),
                                    "method DELETE is not in AllowedMethods for route /dicom-web/");
}

TEST(Preflight, RequestMethodThatIsNotATokenIsRefused)
{
  ExpectRefusedWithoutAccessControl(Preflight(MakePolicy(RouteSpec()), "GET POST"), "not a method token");
}

TEST(Preflight, SeveralRequestMethodFieldsAreRefused)
{
  CorsRequest request = MakeRequest("OPTIONS", "/dicom-web/", { { "Origin", VIEWER },
                                                                { "Access-Control-Request-Method", "GET" },
                                                                { "Access-Control-Request-Method", "GET" } });
  ExpectRefusedWithoutAccessControl(EvaluatePreflight(MakePolicy(RouteSpec()), request), "exactly one");
}

TEST(Preflight, RequestedHeadersAreCaseInsensitiveAndEchoedInLowerCase)
{
  CorsDecision decision = Preflight(MakePolicy(RouteSpec()), "GET", "AUTHORIZATION,Accept");
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome);
  EXPECT_EQ("authorization, accept", ValueOf(decision.headers, "Access-Control-Allow-Headers"));
}

TEST(Preflight, RequestedHeadersToleratesWhitespaceAndEmptyElements)
{
  CorsDecision decision = Preflight(MakePolicy(RouteSpec()), "GET", " , accept ,\t,range,, ");
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome) << decision.reason;
  EXPECT_EQ("accept, range", ValueOf(decision.headers, "Access-Control-Allow-Headers"));
}

TEST(Preflight, RequestedHeadersSplitOverSeveralFieldLinesAreUnitedAndDeduplicated)
{
  CorsRequest request = MakeRequest("OPTIONS", "/dicom-web/", { { "Origin", VIEWER },
                                                                { "Access-Control-Request-Method", "GET" },
                                                                { "Access-Control-Request-Headers", "accept, range" },
                                                                { "access-control-request-headers", "Range, content-type" } });
  CorsDecision decision = EvaluatePreflight(MakePolicy(RouteSpec()), request);
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome) << decision.reason;
  EXPECT_EQ("accept, range, content-type", ValueOf(decision.headers, "Access-Control-Allow-Headers"));
}

TEST(Preflight, OneRequestedHeaderNotAllowedRefusesTheWholePreflight)
{
  CorsDecision decision = Preflight(MakePolicy(RouteSpec()), "GET", "accept, X-Foo, range");
  ExpectRefusedWithoutAccessControl(decision, "header x-foo is not in AllowedHeaders for route /dicom-web/");
}

TEST(Preflight, NotAllowedHeaderInALaterFieldLineStillRefusesEverything)
{
  CorsRequest request = MakeRequest("OPTIONS", "/dicom-web/", { { "Origin", VIEWER },
                                                                { "Access-Control-Request-Method", "GET" },
                                                                { "Access-Control-Request-Headers", "accept" },
                                                                { "Access-Control-Request-Headers", "x-foo" } });
  ExpectRefusedWithoutAccessControl(EvaluatePreflight(MakePolicy(RouteSpec()), request), "x-foo");
}

TEST(Preflight, RequestedHeaderThatIsNotATokenIsRefused)
{
  ExpectRefusedWithoutAccessControl(Preflight(MakePolicy(RouteSpec()), "GET", "accept, x foo"), "not a token");
}

TEST(Preflight, NoRequestedHeadersOmitsAllowHeaders)
{
  EXPECT_FALSE(Has(Preflight(MakePolicy(RouteSpec()), "GET").headers, "Access-Control-Allow-Headers"));
  EXPECT_FALSE(Has(Preflight(MakePolicy(RouteSpec()), "GET", " , ").headers, "Access-Control-Allow-Headers"));
}

TEST(Preflight, WildcardHeadersCoverAnyNameWithoutCredentials)
{
  RouteSpec route;
  route.headers = { "*" };
  CorsDecision decision = Preflight(MakePolicy(route), "GET", "x-foo, x-bar");
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome) << decision.reason;
  EXPECT_EQ("x-foo, x-bar", ValueOf(decision.headers, "Access-Control-Allow-Headers"));
}

TEST(Preflight, WildcardHeadersNeverCoverAuthorization)
{
  RouteSpec route;
  route.headers = { "*" };
  ExpectRefusedWithoutAccessControl(Preflight(MakePolicy(route), "GET", "x-foo, Authorization"),
                                    "header authorization is not in AllowedHeaders");
}

TEST(Preflight, AuthorizationListedByNameBesideWildcardIsAllowed)
{
  RouteSpec route;
  route.headers = { "*", "Authorization" };
  CorsDecision decision = Preflight(MakePolicy(route), "GET", "authorization, x-foo");
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome) << decision.reason;
  EXPECT_EQ("authorization, x-foo", ValueOf(decision.headers, "Access-Control-Allow-Headers"));
}

TEST(Preflight, WildcardHeadersAreLiteralWithCredentials)
{
  RouteSpec route;
  route.headers = { "*", "Accept" };
  route.credentials = true;
  Policy policy = MakePolicy(route);
  EXPECT_EQ(CorsDecision::Outcome::Allowed, Preflight(policy, "GET", "accept").outcome);
  ExpectRefusedWithoutAccessControl(Preflight(policy, "GET", "x-foo"), "x-foo");
}

TEST(Preflight, PrivateNetworkAllowedAnswersAllowPrivateNetworkAndVariesOnIt)
{
  PolicySpec spec;
  spec.privateNetwork = true;
  CorsRequest request = MakePreflight("/dicom-web/", VIEWER, "GET");
  request.requestPrivateNetwork = { "true" };
  CorsDecision decision = EvaluatePreflight(MakePolicy(spec), request);
  EXPECT_EQ(CorsDecision::Outcome::Allowed, decision.outcome);
  EXPECT_EQ("true", ValueOf(decision.headers, "Access-Control-Allow-Private-Network"));
  EXPECT_EQ(PREFLIGHT_VARY + ", Access-Control-Request-Private-Network", ValueOf(decision.headers, "Vary"));
}

TEST(Preflight, PrivateNetworkNotRequestedIsNotAnswered)
{
  PolicySpec spec;
  spec.privateNetwork = true;
  CorsDecision decision = Preflight(MakePolicy(spec), "GET");
  EXPECT_FALSE(Has(decision.headers, "Access-Control-Allow-Private-Network"));
}

TEST(Preflight, PrivateNetworkRequestedButNotAllowedIsRefused)
{
  CorsRequest request = MakePreflight("/dicom-web/", VIEWER, "GET");
  request.requestPrivateNetwork = { "true" };
  CorsDecision decision = EvaluatePreflight(MakePolicy(PolicySpec()), request);
  ExpectRefusedWithoutAccessControl(decision, "AllowPrivateNetwork");
}

TEST(Preflight, PerRouteOriginsApplyOnTheirPrefix)
{
  RouteSpec general;
  RouteSpec studies;
  studies.prefix = "/dicom-web/studies";
  studies.origins = { "https://*.hospital.example" };
  PolicySpec spec;
  spec.routes = { general, studies };
  Policy policy = MakePolicy(spec);

  EXPECT_EQ(CorsDecision::Outcome::Allowed,
            Preflight(policy, "GET", "", "https://ward.hospital.example", "/dicom-web/studies/1").outcome);
  ExpectRefusedWithoutAccessControl(Preflight(policy, "GET", "", VIEWER, "/dicom-web/studies/1"),
                                    "for route /dicom-web/studies");
  EXPECT_EQ(CorsDecision::Outcome::Allowed, Preflight(policy, "GET", "", VIEWER, "/dicom-web/series").outcome);
}

TEST(Preflight, EveryOutcomeHasAReasonAndAName)
{
  Policy policy = MakePolicy(RouteSpec());
  for (const CorsDecision& decision : { Preflight(policy, "GET"),
                                        Preflight(policy, "GET", "", "https://evil.example"),
                                        Preflight(policy, "GET", "", VIEWER, "/tools") })
  {
    EXPECT_FALSE(decision.reason.empty());
  }
  EXPECT_EQ("allowed", ToString(CorsDecision::Outcome::Allowed));
  EXPECT_EQ("refused", ToString(CorsDecision::Outcome::Refused));
  EXPECT_EQ("not-exposed", ToString(CorsDecision::Outcome::NotExposed));
  EXPECT_EQ("not-cors", ToString(CorsDecision::Outcome::NotCors));
}

// The access log and the metrics count refusals by what refused them.
TEST(Preflight, RefusalNamesWhatRefusedIt)
{
  const Policy policy = MakePolicy(RouteSpec());
  EXPECT_EQ(CorsDecision::Refusal::None, Preflight(policy, "GET").refusal);
  EXPECT_EQ(CorsDecision::Refusal::Route, Preflight(policy, "GET", "", VIEWER, "/tools/find").refusal);
  EXPECT_EQ(CorsDecision::Refusal::Origin, Preflight(policy, "GET", "", "https://evil.example").refusal);
  EXPECT_EQ(CorsDecision::Refusal::Method, Preflight(policy, "PATCH").refusal);
  EXPECT_EQ(CorsDecision::Refusal::Method, Preflight(policy, "G T").refusal);
  EXPECT_EQ(CorsDecision::Refusal::Header, Preflight(policy, "GET", "x-secret").refusal);
  CorsRequest privateNetwork = MakePreflight("/dicom-web/", VIEWER, "GET");
  privateNetwork.requestPrivateNetwork = { "true" };
  EXPECT_EQ(CorsDecision::Refusal::PrivateNetwork, EvaluatePreflight(policy, privateNetwork).refusal);
}
