// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PolicyFixtures.h"

#include "Policy/ActualDecisionCache.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  const std::string VIEWER = "https://viewer.example";
  const std::string OTHER = "https://other.example";

  CorsRequest Get(const std::string& target, const HttpHeaders& headers)
  {
    return MakeRequest("GET", target, headers);
  }

  // A kept decision is exactly what evaluating the request gives.
  void ExpectSameAsEvaluated(const Policy& policy, const CorsRequest& request, const CorsDecision& given)
  {
    const CorsDecision evaluated = EvaluateActualRequest(policy, request);
    EXPECT_EQ(evaluated.outcome, given.outcome);
    EXPECT_EQ(evaluated.refusal, given.refusal);
    EXPECT_EQ(evaluated.status, given.status);
    EXPECT_EQ(evaluated.route, given.route);
    ASSERT_EQ(evaluated.headers.size(), given.headers.size());
    for (std::size_t i = 0; i < evaluated.headers.size(); i++)
    {
      EXPECT_EQ(evaluated.headers[i].name, given.headers[i].name);
      EXPECT_EQ(evaluated.headers[i].value, given.headers[i].value);
    }
  }
}


TEST(ActualDecisionCache, SameOriginOnAnotherPathOfTheRouteIsGivenTheKeptDecision)
{
  const Policy policy = MakePolicy(PolicySpec());
  ActualDecisionCache cache;
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", VIEWER } }));
  EXPECT_FALSE(cache.LastWasKept());

  const CorsRequest next = Get("/dicom-web/studies/1/series/2/instances/3/frames/1", { { "Origin", VIEWER } });
  const CorsDecision given = *cache.Decide(policy, next);
  EXPECT_TRUE(cache.LastWasKept());
  EXPECT_EQ(VIEWER, ValueOf(given.headers, "Access-Control-Allow-Origin"));
  ExpectSameAsEvaluated(policy, next, given);
}


TEST(ActualDecisionCache, NeverGivesOneOriginsDecisionToAnother)
{
  RouteSpec route;
  route.origins = { VIEWER, OTHER };
  const Policy policy = MakePolicy(route);
  ActualDecisionCache cache;
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", VIEWER } }));

  // Allowed too, but with its own Access-Control-Allow-Origin; the same origin
  // written otherwise, a second Origin field, or none: evaluated afresh.
  const std::vector<HttpHeaders> others = {
    { { "Origin", OTHER } },
    { { "Origin", "https://VIEWER.example" } },
    { { "Origin", "https://viewer.example:443" } },
    { { "Origin", "http://viewer.example" } },
    { { "Origin", VIEWER }, { "Origin", VIEWER } },
    { },
  };
  for (const HttpHeaders& headers : others)
  {
    cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", VIEWER } }));
    const CorsRequest request = Get("/dicom-web/studies", headers);
    const CorsDecision given = *cache.Decide(policy, request);
    EXPECT_FALSE(cache.LastWasKept()) << (headers.empty() ? "(no Origin)" : headers.front().value);
    ExpectSameAsEvaluated(policy, request, given);
  }
  const CorsDecision other = *cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", OTHER } }));
  EXPECT_EQ(OTHER, ValueOf(other.headers, "Access-Control-Allow-Origin"));
}


TEST(ActualDecisionCache, AnotherRouteIsEvaluatedAfresh)
{
  PolicySpec spec;
  RouteSpec wado;
  wado.prefix = "/wado";
  wado.exposed = { "Content-Type" };
  spec.routes = { RouteSpec(), wado };
  const Policy policy = MakePolicy(spec);
  ActualDecisionCache cache;
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", VIEWER } }));

  const CorsRequest request = Get("/wado?requestType=WADO", { { "Origin", VIEWER } });
  const CorsDecision given = *cache.Decide(policy, request);
  EXPECT_FALSE(cache.LastWasKept());
  EXPECT_EQ("Content-Type", ValueOf(given.headers, "Access-Control-Expose-Headers"));
  ExpectSameAsEvaluated(policy, request, given);
}


TEST(ActualDecisionCache, PathUnderNoRouteIsNeverKept)
{
  const Policy policy = MakePolicy(PolicySpec());
  ActualDecisionCache cache;
  for (const std::string& path : { std::string("/app/index.html"), std::string("/app/other.js") })
  {
    const CorsRequest request = Get(path, { { "Origin", VIEWER } });
    const CorsDecision given = *cache.Decide(policy, request);
    EXPECT_FALSE(cache.LastWasKept());
    EXPECT_EQ(CorsDecision::Outcome::NotExposed, given.outcome);
    EXPECT_NE(std::string::npos, given.reason.find(path));   // the reason names its own path
  }
  // Nor does a decision under no route let the next request of a route be kept.
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", VIEWER } }));
  EXPECT_FALSE(cache.LastWasKept());
}


TEST(ActualDecisionCache, RefusedOriginIsKeptRefused)
{
  const Policy policy = MakePolicy(PolicySpec());
  ActualDecisionCache cache;
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", "https://evil.example" } }));
  const CorsRequest request = Get("/dicom-web/studies/1", { { "Origin", "https://evil.example" } });
  const CorsDecision given = *cache.Decide(policy, request);
  EXPECT_TRUE(cache.LastWasKept());
  EXPECT_EQ(CorsDecision::Outcome::Refused, given.outcome);
  EXPECT_FALSE(Has(given.headers, "Access-Control-Allow-Origin"));
  ExpectSameAsEvaluated(policy, request, given);
}


TEST(ActualDecisionCache, LongOriginFieldsAreNotKept)
{
  // Refused (not allowed), and longer than a browser's: evaluated, never held.
  const std::string longOrigin = "https://" + std::string(ActualDecisionCache::MAX_KEY_BYTES, 'a') + ".example";
  const Policy policy = MakePolicy(PolicySpec());
  ActualDecisionCache cache;
  for (int i = 0; i < 2; i++)
  {
    const CorsRequest request = Get("/dicom-web/studies", { { "Origin", longOrigin } });
    const CorsDecision given = *cache.Decide(policy, request);
    EXPECT_FALSE(cache.LastWasKept());
    ExpectSameAsEvaluated(policy, request, given);
  }
  // Nor does it stand in for the short one that came before it.
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", VIEWER } }));
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", longOrigin } }));
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", VIEWER } }));
  EXPECT_FALSE(cache.LastWasKept());
}


TEST(ActualDecisionCache, DecisionGivenStaysWhatItWasWhateverTheNextCallDecides)
{
  // The gateway holds a request's decision through its relay (across co_await):
  // the next request of the connection must not change it under its feet.
  const Policy policy = MakePolicy(PolicySpec());
  ActualDecisionCache cache;
  const std::shared_ptr<const CorsDecision> first = cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", VIEWER } }));
  const CorsDecision copy = *first;
  cache.Decide(policy, Get("/dicom-web/studies", { { "Origin", "https://evil.example" } }));
  cache.Decide(policy, Get("/elsewhere", { { "Origin", VIEWER } }));
  EXPECT_EQ(CorsDecision::Outcome::Allowed, first->outcome);
  EXPECT_EQ(copy.outcome, first->outcome);
  EXPECT_EQ(copy.reason, first->reason);
  ASSERT_EQ(copy.headers.size(), first->headers.size());
  for (std::size_t i = 0; i < copy.headers.size(); i++)
  {
    EXPECT_EQ(copy.headers[i].name, first->headers[i].name);
    EXPECT_EQ(copy.headers[i].value, first->headers[i].value);
  }
}
