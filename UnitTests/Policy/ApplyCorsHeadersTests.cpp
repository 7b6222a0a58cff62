// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PolicyFixtures.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  const std::string VIEWER = "https://viewer.example";

  // What Orthanc or another plugin may have put on a response already.
  HttpHeaders UpstreamResponse()
  {
    return {
      { "Content-Type", "application/dicom+json" },
      { "Access-Control-Allow-Origin", "*" },
      { "access-control-allow-origin", "https://stale.example" },
      { "Access-Control-Allow-Credentials", "true" },
      { "Access-Control-Expose-Headers", "X-Secret" },
      { "Cross-Origin-Resource-Policy", "same-origin" },
      { "Vary", "Accept-Encoding" },
      { "Content-Length", "42" }
    };
  }

  CorsDecision ActualFrom(const std::string& origin, const std::string& target = "/dicom-web/studies")
  {
    return EvaluateActualRequest(MakePolicy(RouteSpec()), MakeRequest("GET", target, { { "Origin", origin } }));
  }
}


TEST(ApplyCorsHeaders, ReplacesUpstreamAccessControlAndCorpLeavingExactlyOneOfEach)
{
  HttpHeaders response = UpstreamResponse();
  ApplyCorsHeaders(response, ActualFrom(VIEWER));

  EXPECT_EQ(std::vector<std::string>({ VIEWER }), GetAll(response, "Access-Control-Allow-Origin"));
  EXPECT_EQ(std::vector<std::string>({ "cross-origin" }), GetAll(response, "Cross-Origin-Resource-Policy"));
  EXPECT_EQ(std::vector<std::string>({ "Content-Length, ETag" }), GetAll(response, "Access-Control-Expose-Headers"));
  EXPECT_FALSE(Has(response, "Access-Control-Allow-Credentials"));
}

TEST(ApplyCorsHeaders, AFoldersOwnResourcePolicyIsKeptTheRoutesAddedOnlyWhenThereIsNone)
{
  HttpHeaders folderAnswer = { { "Cross-Origin-Resource-Policy", "same-origin" },
                               { "Access-Control-Allow-Origin", "*" } };
  ApplyCorsHeaders(folderAnswer, ActualFrom(VIEWER), ExistingResourcePolicy::Keep);
  EXPECT_EQ(std::vector<std::string>({ "same-origin" }), GetAll(folderAnswer, "Cross-Origin-Resource-Policy"));
  EXPECT_EQ(std::vector<std::string>({ VIEWER }), GetAll(folderAnswer, "Access-Control-Allow-Origin"));

  HttpHeaders withoutPolicy = { { "Content-Type", "text/html" } };
  ApplyCorsHeaders(withoutPolicy, ActualFrom(VIEWER), ExistingResourcePolicy::Keep);
  EXPECT_EQ(std::vector<std::string>({ "cross-origin" }), GetAll(withoutPolicy, "Cross-Origin-Resource-Policy"));
}

TEST(ApplyCorsHeaders, MergesVaryIntoASingleField)
{
  HttpHeaders response = UpstreamResponse();
  ApplyCorsHeaders(response, ActualFrom(VIEWER));
  EXPECT_EQ(std::vector<std::string>({ "Accept-Encoding, Origin" }), GetAll(response, "Vary"));
}

TEST(ApplyCorsHeaders, KeepsUnrelatedFieldsUntouched)
{
  HttpHeaders response = UpstreamResponse();
  ApplyCorsHeaders(response, ActualFrom(VIEWER));
  EXPECT_EQ("application/dicom+json", ValueOf(response, "Content-Type"));
  EXPECT_EQ("42", ValueOf(response, "Content-Length"));
}

TEST(ApplyCorsHeaders, RefusedOriginStripsUpstreamGrantsButKeepsVaryAndCorp)
{
  HttpHeaders response = UpstreamResponse();
  ApplyCorsHeaders(response, ActualFrom("https://evil.example"));
  EXPECT_EQ(0u, CountAccessControlFields(response));
  EXPECT_EQ("Accept-Encoding, Origin", ValueOf(response, "Vary"));
  EXPECT_EQ("cross-origin", ValueOf(response, "Cross-Origin-Resource-Policy"));
}

TEST(ApplyCorsHeaders, NotCorsRequestStillGetsVaryAndCorpOnErrorResponses)
{
  HttpHeaders response = { { "Content-Type", "text/plain" }, { "Content-Length", "12" } };   // e.g. a 401
  ApplyCorsHeaders(response, EvaluateActualRequest(MakePolicy(RouteSpec()), MakeRequest("GET", "/dicom-web/", {})));
  EXPECT_EQ("Origin", ValueOf(response, "Vary"));
  EXPECT_EQ("cross-origin", ValueOf(response, "Cross-Origin-Resource-Policy"));
  EXPECT_EQ(0u, CountAccessControlFields(response));
}

TEST(ApplyCorsHeaders, NotExposedLeavesTheResponseUntouched)
{
  HttpHeaders response = UpstreamResponse();
  const HttpHeaders before = response;
  ApplyCorsHeaders(response, ActualFrom(VIEWER, "/tools/find"));
  ASSERT_EQ(before.size(), response.size());
  for (size_t i = 0; i < before.size(); i++)
  {
    EXPECT_EQ(before[i].name, response[i].name);
    EXPECT_EQ(before[i].value, response[i].value);
  }
}

TEST(ApplyCorsHeaders, PreflightDecisionOnAnEmptyResponseGivesTheComplete204Headers)
{
  HttpHeaders response;
  CorsDecision decision = EvaluatePreflight(MakePolicy(RouteSpec()),
                                            MakePreflight("/dicom-web/", VIEWER, "POST", "content-type"));
  ApplyCorsHeaders(response, decision);
  EXPECT_EQ(VIEWER, ValueOf(response, "Access-Control-Allow-Origin"));
  EXPECT_EQ("content-type", ValueOf(response, "Access-Control-Allow-Headers"));
  EXPECT_EQ("0", ValueOf(response, "Content-Length"));
  EXPECT_EQ("Origin, Access-Control-Request-Method, Access-Control-Request-Headers", ValueOf(response, "Vary"));
}

TEST(ApplyCorsHeaders, PreflightDecisionReplacesAnExistingContentLength)
{
  HttpHeaders response = { { "Content-Length", "17" } };
  ApplyCorsHeaders(response, EvaluatePreflight(MakePolicy(RouteSpec()), MakePreflight("/dicom-web/", VIEWER, "GET")));
  EXPECT_EQ(std::vector<std::string>({ "0" }), GetAll(response, "Content-Length"));
}

TEST(ApplyCorsHeaders, RefusedPreflightLeavesNoAccessControlField)
{
  HttpHeaders response = { { "Access-Control-Allow-Origin", "*" } };
  ApplyCorsHeaders(response, EvaluatePreflight(MakePolicy(RouteSpec()),
                                               MakePreflight("/dicom-web/", VIEWER, "GET", "x-foo")));
  EXPECT_EQ(0u, CountAccessControlFields(response));
  EXPECT_TRUE(Has(response, "Vary"));
}

TEST(ApplyCorsHeaders, AppliedTwiceStillLeavesOneOfEach)
{
  HttpHeaders response = UpstreamResponse();
  const CorsDecision decision = ActualFrom(VIEWER);
  ApplyCorsHeaders(response, decision);
  ApplyCorsHeaders(response, decision);
  EXPECT_EQ(1u, GetAll(response, "Access-Control-Allow-Origin").size());
  EXPECT_EQ(1u, GetAll(response, "Cross-Origin-Resource-Policy").size());
  EXPECT_EQ(std::vector<std::string>({ "Accept-Encoding, Origin" }), GetAll(response, "Vary"));
}
