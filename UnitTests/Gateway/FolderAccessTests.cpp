// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Gateway/FolderAccess.h"
#include "Gateway/FolderAccessCache.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

namespace
{
  // A clock the test moves by hand.
  class ManualClock
  {
  public:
    FolderAccessCache::Clock Get()
    {
      return [this] { return now_; };
    }

    void Advance(std::chrono::steady_clock::duration step)
    {
      now_ += step;
    }

  private:
    std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  };

  const FolderAccessVerdict GRANTED{200, ""};
  const FolderAccessVerdict CHALLENGED{401, "Basic realm=\"Orthanc Secure Area\""};

  ForwardingContext MakeForwarding()
  {
    return ForwardingContext{boost::asio::ip::make_address("192.0.2.7"), "https", "viewer.example"};
  }
}


TEST(FolderAccessCache, VerdictIsFoundForTheSameCredentialsAndFolderOnly)
{
  ManualClock clock;
  FolderAccessCache cache(std::chrono::seconds(10), 16, clock.Get());
  cache.Store("alice", "/ohif/", GRANTED);

  ASSERT_TRUE(cache.Find("alice", "/ohif/"));
  EXPECT_EQ(200, cache.Find("alice", "/ohif/")->status);
  EXPECT_FALSE(cache.Find("bob", "/ohif/"));
  EXPECT_FALSE(cache.Find("alice", "/other/"));
  EXPECT_FALSE(cache.Find("", "/ohif/"));
}


TEST(FolderAccessCache, VerdictExpiresAfterItsLifetime)
{
  ManualClock clock;
  FolderAccessCache cache(std::chrono::seconds(10), 16, clock.Get());
  cache.Store("anonymous", "/ohif/", CHALLENGED);

  clock.Advance(std::chrono::milliseconds(9999));
  ASSERT_TRUE(cache.Find("anonymous", "/ohif/"));
  EXPECT_EQ(CHALLENGED.wwwAuthenticate, cache.Find("anonymous", "/ohif/")->wwwAuthenticate);

  clock.Advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(cache.Find("anonymous", "/ohif/"));
  EXPECT_EQ(0u, cache.CountEntries());
}


TEST(FolderAccessCache, StoringAgainRenewsTheVerdict)
{
  ManualClock clock;
  FolderAccessCache cache(std::chrono::seconds(10), 16, clock.Get());
  cache.Store("alice", "/ohif/", CHALLENGED);
  clock.Advance(std::chrono::seconds(5));
  cache.Store("alice", "/ohif/", GRANTED);
  clock.Advance(std::chrono::seconds(9));
  ASSERT_TRUE(cache.Find("alice", "/ohif/"));
  EXPECT_EQ(200, cache.Find("alice", "/ohif/")->status);
  EXPECT_EQ(1u, cache.CountEntries());
}


TEST(FolderAccessCache, OldestEntriesGoFirstBeyondTheCapacity)
{
  ManualClock clock;
  FolderAccessCache cache(std::chrono::seconds(10), 3, clock.Get());
  for (const char* client : { "a", "b", "c", "d" })
  {
    cache.Store(client, "/ohif/", GRANTED);
    clock.Advance(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(3u, cache.CountEntries());
  EXPECT_FALSE(cache.Find("a", "/ohif/"));
  EXPECT_TRUE(cache.Find("b", "/ohif/"));
  EXPECT_TRUE(cache.Find("d", "/ohif/"));
}


TEST(FolderAccessCache, ManyClientsNeverGrowItBeyondTheDefaultCapacity)
{
  FolderAccessCache cache;
  for (int i = 0; i < 5000; i++)
  {
    cache.Store(std::to_string(i), "/ohif/", GRANTED);
  }
  EXPECT_EQ(FolderAccessCache::DEFAULT_CAPACITY, cache.CountEntries());
}


TEST(FolderAccessCache, OnlyGrantsChallengesAndRefusalsAreKept)
{
  ManualClock clock;
  FolderAccessCache cache(std::chrono::seconds(10), 16, clock.Get());
  cache.Store("a", "/ohif/", FolderAccessVerdict{204, ""});
  cache.Store("b", "/ohif/", FolderAccessVerdict{403, ""});
  cache.Store("c", "/ohif/", FolderAccessVerdict{0, ""});     // Orthanc unreachable
  cache.Store("d", "/ohif/", FolderAccessVerdict{404, ""});
  cache.Store("e", "/ohif/", FolderAccessVerdict{500, ""});
  EXPECT_TRUE(cache.Find("a", "/ohif/"));
  EXPECT_TRUE(cache.Find("b", "/ohif/"));
  EXPECT_FALSE(cache.Find("c", "/ohif/"));
  EXPECT_FALSE(cache.Find("d", "/ohif/"));
  EXPECT_FALSE(cache.Find("e", "/ohif/"));
}


TEST(FolderAccess, ProbeTargetNamesTheFolderInItsPath)
{
  EXPECT_EQ("/cors/folder-access/", MakeFolderAccessTarget("/"));
  EXPECT_EQ("/cors/folder-access/ohif/", MakeFolderAccessTarget("/ohif/"));
  EXPECT_EQ("/cors/folder-access/a/b/", MakeFolderAccessTarget("/a/b/"));
}


TEST(FolderAccess, ProbeCarriesWhoTheClientIsButNotWhichFileItWants)
{
  const HttpHeaders client = {
    {"Host", "viewer.example"}, {"Authorization", "Bearer abc"}, {"Cookie", "s=1"}, {"token", "t"},
    {"Origin", "https://viewer.example"}, {"Accept", "text/css"}, {"Accept-Encoding", "br"},
    {"If-None-Match", "\"x\""}, {"if-modified-since", "yesterday"}, {"Range", "bytes=0-1"},
    {"Referer", "https://viewer.example/ohif/"}, {"Sec-Fetch-Dest", "style"}, {"sec-fetch-mode", "no-cors"},
    {"Connection", "keep-alive"}, {"Content-Length", "0"}, {"Transfer-Encoding", "chunked"},
    {"Forwarded", "for=evil"}
  };
  const HttpHeaders probe = BuildFolderAccessProbeHeaders(client, MakeForwarding());

  EXPECT_EQ(std::vector<std::string>{"Bearer abc"}, GetAll(probe, "Authorization"));
  EXPECT_EQ(std::vector<std::string>{"s=1"}, GetAll(probe, "Cookie"));
  EXPECT_EQ(std::vector<std::string>{"t"}, GetAll(probe, "token"));
  EXPECT_EQ(std::vector<std::string>{"viewer.example"}, GetAll(probe, "Host"));
  EXPECT_EQ(std::vector<std::string>{"https"}, GetAll(probe, "X-Forwarded-Proto"));
  EXPECT_EQ(std::vector<std::string>{"192.0.2.7"}, GetAll(probe, "X-Forwarded-For"));
  EXPECT_EQ(std::vector<std::string>{"for=192.0.2.7;host=viewer.example;proto=https"}, GetAll(probe, "Forwarded"));
  for (const char* absent : { "Accept", "Accept-Encoding", "If-None-Match", "If-Modified-Since", "Range", "Referer",
                              "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Connection", "Content-Length", "Transfer-Encoding" })
  {
    EXPECT_TRUE(GetAll(probe, absent).empty()) << absent;
  }
}


TEST(FolderAccess, DigestTellsCredentialsApartAndIgnoresPerRequestFields)
{
  const auto digest = [](const HttpHeaders& client)
  {
    return DigestProbeHeaders(BuildFolderAccessProbeHeaders(client, MakeForwarding()));
  };
  const std::string alice = digest({{"Authorization", "Basic YWxpY2U6cA=="}, {"Accept", "text/html"}});

  EXPECT_EQ(64u, alice.size());
  EXPECT_EQ(std::string::npos, alice.find("YWxpY2U"));
  EXPECT_EQ(alice, digest({{"Authorization", "Basic YWxpY2U6cA=="}, {"Accept", "*/*"}, {"If-None-Match", "\"1\""},
                           {"Sec-Fetch-Dest", "script"}}));
  EXPECT_EQ(alice, digest({{"authorization", "Basic YWxpY2U6cA=="}}));
  EXPECT_NE(alice, digest({{"Authorization", "Basic Ym9iOnA="}}));
  EXPECT_NE(alice, digest({}));
  EXPECT_NE(alice, digest({{"Authorization", "Basic YWxpY2U6cA=="}, {"X-Token", "other"}}));
  EXPECT_NE(alice, digest({{"Authorization", "Basic YWxpY2U6cA=="}, {"Cookie", "s=2"}}));
  // A field split across two names cannot collide with one field holding both.
  EXPECT_NE(digest({{"A", "b\nc:d"}}), digest({{"A", "b"}, {"C", "d"}}));
}


TEST(FolderAccess, DenialFollowsOrthancsVerdict)
{
  EXPECT_FALSE(MakeFolderAccessDenial(FolderAccessVerdict{200, ""}, "/ohif/"));
  EXPECT_FALSE(MakeFolderAccessDenial(FolderAccessVerdict{204, ""}, "/ohif/"));

  const std::optional<LocalResponse> challenge = MakeFolderAccessDenial(CHALLENGED, "/ohif/");
  ASSERT_TRUE(challenge);
  EXPECT_EQ(401, challenge->status);
  EXPECT_EQ(std::vector<std::string>{CHALLENGED.wwwAuthenticate}, GetAll(challenge->headers, "WWW-Authenticate"));
  EXPECT_EQ(std::vector<std::string>{"application/json; charset=utf-8"}, GetAll(challenge->headers, "Content-Type"));

  EXPECT_EQ(403, MakeFolderAccessDenial(FolderAccessVerdict{403, ""}, "/ohif/")->status);
  EXPECT_EQ(502, MakeFolderAccessDenial(FolderAccessVerdict{0, ""}, "/ohif/")->status);
  EXPECT_EQ(502, MakeFolderAccessDenial(FolderAccessVerdict{404, ""}, "/ohif/")->status);
  EXPECT_EQ(502, MakeFolderAccessDenial(FolderAccessVerdict{500, ""}, "/ohif/")->status);
}
