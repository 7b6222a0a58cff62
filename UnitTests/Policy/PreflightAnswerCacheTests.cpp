// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PolicyFixtures.h"

#include "Policy/PreflightAnswerCache.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  const std::string VIEWER = "https://viewer.example";

  // What the gateway does: evaluate on a miss, store the allowed answer.
  const std::string* Remember(PreflightAnswerCache& cache, const Policy& policy, const CorsRequest& request,
                              const std::string& answer)
  {
    const RoutePolicy* route = policy.FindRoute(request.path);
    if (route == nullptr)
    {
      return nullptr;
    }
    cache.Store(*route, request, EvaluatePreflight(policy, request), answer);
    return cache.Find(*route, CorsFieldViews::Of(request));
  }

  const std::string* Lookup(const PreflightAnswerCache& cache, const Policy& policy, const CorsRequest& request)
  {
    const RoutePolicy* route = policy.FindRoute(request.path);
    return route == nullptr ? nullptr : cache.Find(*route, CorsFieldViews::Of(request));
  }
}


TEST(PreflightAnswerCache, SameQuestionOnAnotherPathOfTheRouteIsAnsweredAgain)
{
  const Policy policy = MakePolicy(PolicySpec());
  PreflightAnswerCache cache(4);
  ASSERT_NE(nullptr, Remember(cache, policy, MakePreflight("/dicom-web/studies/1/frames/1", VIEWER, "GET", "accept"),
                              "answer"));
  const std::string* found = Lookup(cache, policy, MakePreflight("/dicom-web/studies/1/frames/2", VIEWER, "GET", "accept"));
  ASSERT_NE(nullptr, found);
  EXPECT_EQ("answer", *found);
}


TEST(PreflightAnswerCache, NeverAnswersAnotherOrigin)
{
  RouteSpec route;
  route.origins = { VIEWER, "https://other.example" };
  const Policy policy = MakePolicy(route);
  PreflightAnswerCache cache(4);
  ASSERT_NE(nullptr, Remember(cache, policy, MakePreflight("/dicom-web/studies", VIEWER, "GET"), "viewer's"));

  // Allowed too, but a different answer (its own Access-Control-Allow-Origin);
  // the same origin written otherwise is another question as well.
  for (const std::string& origin : { std::string("https://other.example"), std::string("https://VIEWER.example"),
                                     std::string("https://viewer.example:443"), std::string("http://viewer.example"),
                                     std::string("https://viewer.example/") })
  {
    EXPECT_EQ(nullptr, Lookup(cache, policy, MakePreflight("/dicom-web/studies", origin, "GET"))) << origin;
  }
  EXPECT_EQ(nullptr, Lookup(cache, policy, MakeRequest("OPTIONS", "/dicom-web/studies", {
    { "Origin", VIEWER }, { "Origin", VIEWER }, { "Access-Control-Request-Method", "GET" } })));
}


TEST(PreflightAnswerCache, AnotherMethodHeadersOrPrivateNetworkRequestIsAnotherQuestion)
{
  PolicySpec spec;
  spec.privateNetwork = true;
  const Policy policy = MakePolicy(spec);
  PreflightAnswerCache cache(8);
  ASSERT_NE(nullptr, Remember(cache, policy, MakePreflight("/dicom-web/studies", VIEWER, "GET", "accept"), "a"));

  EXPECT_EQ(nullptr, Lookup(cache, policy, MakePreflight("/dicom-web/studies", VIEWER, "POST", "accept")));
  EXPECT_EQ(nullptr, Lookup(cache, policy, MakePreflight("/dicom-web/studies", VIEWER, "GET", "accept, range")));
  EXPECT_EQ(nullptr, Lookup(cache, policy, MakePreflight("/dicom-web/studies", VIEWER, "GET")));
  EXPECT_EQ(nullptr, Lookup(cache, policy, MakeRequest("OPTIONS", "/dicom-web/studies", {
    { "Origin", VIEWER }, { "Access-Control-Request-Method", "GET" }, { "Access-Control-Request-Headers", "accept" },
    { "Access-Control-Request-Private-Network", "true" } })));
}


TEST(PreflightAnswerCache, AnotherRouteIsAnotherQuestion)
{
  PolicySpec spec;
  RouteSpec wado;
  wado.prefix = "/wado";
  spec.routes = { RouteSpec(), wado };
  const Policy policy = MakePolicy(spec);
  PreflightAnswerCache cache(4);
  ASSERT_NE(nullptr, Remember(cache, policy, MakePreflight("/dicom-web/studies", VIEWER, "GET"), "dicom-web"));
  EXPECT_EQ(nullptr, Lookup(cache, policy, MakePreflight("/wado", VIEWER, "GET")));
}


TEST(PreflightAnswerCache, RefusedPreflightsAreNotStored)
{
  const Policy policy = MakePolicy(PolicySpec());
  PreflightAnswerCache cache(4);
  EXPECT_EQ(nullptr, Remember(cache, policy, MakePreflight("/dicom-web/studies", "https://evil.example", "GET"), "x"));
  EXPECT_EQ(nullptr, Remember(cache, policy, MakePreflight("/dicom-web/studies", VIEWER, "PATCH"), "x"));
  EXPECT_EQ(nullptr, Remember(cache, policy, MakePreflight("/dicom-web/studies", VIEWER, "GET", "x-not-allowed"), "x"));
  EXPECT_EQ(0u, cache.GetSize());
}


TEST(PreflightAnswerCache, BoundedTheOldestReplacedFirst)
{
  const Policy policy = MakePolicy(PolicySpec());
  PreflightAnswerCache cache(2);
  const CorsRequest get = MakePreflight("/dicom-web/studies", VIEWER, "GET");
  const CorsRequest post = MakePreflight("/dicom-web/studies", VIEWER, "POST");
  const CorsRequest put = MakePreflight("/dicom-web/studies", VIEWER, "PUT");
  Remember(cache, policy, get, "get");
  Remember(cache, policy, post, "post");
  Remember(cache, policy, put, "put");
  EXPECT_EQ(2u, cache.GetSize());
  EXPECT_EQ(nullptr, Lookup(cache, policy, get));
  ASSERT_NE(nullptr, Lookup(cache, policy, post));
  ASSERT_NE(nullptr, Lookup(cache, policy, put));
  EXPECT_EQ("put", *Lookup(cache, policy, put));

  PreflightAnswerCache none(0);
  EXPECT_EQ(nullptr, Remember(none, policy, get, "get"));
}


TEST(PreflightAnswerCache, LongQuestionsAreNotStored)
{
  const Policy policy = MakePolicy(PolicySpec());
  PreflightAnswerCache cache(4);
  // Allowed (the list repeats one allowed name), but no browser asks that.
  std::string headers = "accept";
  while (headers.size() <= PreflightAnswerCache::MAX_KEY_BYTES)
  {
    headers += ",accept";
  }
  const CorsRequest request = MakePreflight("/dicom-web/studies", VIEWER, "GET", headers);
  ASSERT_EQ(CorsDecision::Outcome::Allowed, EvaluatePreflight(policy, request).outcome);
  EXPECT_EQ(nullptr, Remember(cache, policy, request, "long"));
  EXPECT_EQ(0u, cache.GetSize());
}
