// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Common/TargetPath.h"
#include "Folders/FolderServer.h"
#include "Folders/PathResolver.h"
#include "TemporaryDirectory.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <thread>

namespace OrthancCors
{
  namespace
  {
    const char* const HASHED_BUNDLE = "app.096daabbdde29bd851ab.bundle.js";

    std::string Value(const FolderResponse& response, const std::string& name)
    {
      const std::vector<std::string> values = GetAll(response.headers, name);
      return values.size() == 1 ? values.front() : "<" + std::to_string(values.size()) + " fields>";
    }

    bool Has(const FolderResponse& response, const std::string& name)
    {
      return !GetAll(response.headers, name).empty();
    }

    FolderRequest Request(const std::string& method, const std::string& target, HttpHeaders headers = {})
    {
      return FolderRequest{method, target, std::move(headers)};
    }

    FolderSettings Folder(const std::string& prefix, const std::filesystem::path& path,
                          bool singlePageApplication = false,
                          CrossOriginIsolation isolation = CrossOriginIsolation::Off)
    {
      FolderSettings folder;
      folder.prefix = prefix;
      folder.path = path.string();
      folder.singlePageApplication = singlePageApplication;
      folder.crossOriginIsolation = isolation;
      return folder;
    }

    const HttpHeaders NAVIGATION = { { "Sec-Fetch-Mode", "navigate" }, { "Accept", "text/html" } };

    // An OHIF-like build in "viewer/", served at "/ohif/" as a single-page application.
    class FolderServerTest : public ::testing::Test
    {
    protected:
      TemporaryDirectory directory_;

      void SetUp() override
      {
        directory_.Write("viewer/index.html", "<html>viewer</html>");
        directory_.Write("viewer/app-config.js", "window.config = {};");
        directory_.Write(std::string("viewer/") + HASHED_BUNDLE, "bundle");
        directory_.Write("viewer/app.bundle.css", "body {}");
        directory_.Write("viewer/decoder.wasm", std::string("\0asm", 4));
        directory_.Write("viewer/compressed.js", "plain text, rather long");
        directory_.Write("viewer/compressed.js.gz", "gzip bytes");
        directory_.Write("viewer/compressed.js.br", "br bytes");
        directory_.Write("viewer/only-gzip.js", "plain");
        directory_.Write("viewer/only-gzip.js.gz", "gz");
      }

      std::unique_ptr<FolderServer> MakeServer(bool singlePageApplication = true,
                                               CrossOriginIsolation isolation = CrossOriginIsolation::Off,
                                               bool allowCache = true,
                                               bool generateETag = true,
                                               std::map<std::string, std::string> mimeOverrides = {},
                                               std::vector<std::string> relayPrefixes = {})
      {
        return std::make_unique<FolderServer>(
          std::vector<FolderSettings>{ Folder("/ohif/", directory_.GetPath() / "viewer", singlePageApplication, isolation) },
          std::move(mimeOverrides), allowCache, generateETag, std::move(relayPrefixes));
      }

      FolderResponse Get(const FolderServer& server, const std::string& target, HttpHeaders headers = {})
      {
        return server.ServeMounted(Request("GET", target, std::move(headers)));
      }
    };
  }


  TEST_F(FolderServerTest, FileIsServedWithTypeLengthAndBody)
  {
    const auto server = MakeServer();
    const FolderResponse response = Get(*server, "/ohif/app-config.js");
    EXPECT_EQ(200, response.status);
    EXPECT_EQ("window.config = {};", response.body.GetMemory());
    EXPECT_EQ("text/javascript; charset=utf-8", Value(response, "Content-Type"));
    EXPECT_EQ("19", Value(response, "Content-Length"));
    EXPECT_EQ("application/wasm", Value(Get(*server, "/ohif/decoder.wasm"), "Content-Type"));
  }


  TEST_F(FolderServerTest, ExtensionsSettingOverridesTheContentType)
  {
    const auto server = MakeServer(true, CrossOriginIsolation::Off, true, true, { { ".wasm", "application/x-wasm-test" } });
    EXPECT_EQ("application/x-wasm-test", Value(Get(*server, "/ohif/decoder.wasm"), "Content-Type"));
  }


  TEST_F(FolderServerTest, GenerateETagAddsAStrongQuotedTag)
  {
    const auto server = MakeServer();
    const std::string tag = Value(Get(*server, "/ohif/index.html"), "ETag");
    ASSERT_GE(tag.size(), 3u);
    EXPECT_EQ('"', tag.front());
    EXPECT_EQ('"', tag.back());
    EXPECT_NE("W/", tag.substr(0, 2));
    EXPECT_EQ(tag, Value(Get(*server, "/ohif/index.html"), "ETag"));
    EXPECT_NE(tag, Value(Get(*server, "/ohif/app-config.js"), "ETag"));
  }


  TEST_F(FolderServerTest, WithoutGenerateETagThereIsNoTagAndNo304)
  {
    const auto server = MakeServer(true, CrossOriginIsolation::Off, true, false);
    const FolderResponse response = Get(*server, "/ohif/index.html", { { "If-None-Match", "*" } });
    EXPECT_EQ(200, response.status);
    EXPECT_FALSE(Has(response, "ETag"));
  }


  TEST_F(FolderServerTest, MatchingIfNoneMatchAnswers304WithoutBody)
  {
    const auto server = MakeServer(true, CrossOriginIsolation::RequireCorp);
    const FolderResponse full = Get(*server, "/ohif/index.html");
    const std::string tag = Value(full, "ETag");

    const FolderResponse response = Get(*server, "/ohif/index.html", { { "If-None-Match", "\"other\", W/" + tag } });
    EXPECT_EQ(304, response.status);
    EXPECT_TRUE(response.body.GetMemory().empty());
    EXPECT_EQ(tag, Value(response, "ETag"));
    EXPECT_EQ("no-cache", Value(response, "Cache-Control"));
    EXPECT_EQ("Accept-Encoding", Value(response, "Vary"));
    EXPECT_EQ("require-corp", Value(response, "Cross-Origin-Embedder-Policy"));
    EXPECT_EQ("nosniff", Value(response, "X-Content-Type-Options"));
    EXPECT_EQ(Value(full, "Content-Length"), Value(response, "Content-Length"));

    EXPECT_EQ(304, Get(*server, "/ohif/index.html", { { "If-None-Match", "*" } }).status);
  }


  TEST_F(FolderServerTest, StaleIfNoneMatchAnswersTheFile)
  {
    const auto server = MakeServer();
    const FolderResponse response = Get(*server, "/ohif/index.html", { { "If-None-Match", "\"0000-0\"" } });
    EXPECT_EQ(200, response.status);
    EXPECT_EQ("<html>viewer</html>", response.body.GetMemory());
  }


  TEST_F(FolderServerTest, HeadHasHeadersAndLengthButNoBody)
  {
    const auto server = MakeServer();
    const FolderResponse get = Get(*server, "/ohif/index.html");
    const FolderResponse head = server->ServeMounted(Request("HEAD", "/ohif/index.html"));
    EXPECT_EQ(200, head.status);
    EXPECT_TRUE(head.body.GetMemory().empty());
    EXPECT_EQ("19", Value(head, "Content-Length"));
    EXPECT_EQ(get.headers.size(), head.headers.size());
    EXPECT_EQ(Value(get, "ETag"), Value(head, "ETag"));
    EXPECT_EQ(Value(get, "Content-Type"), Value(head, "Content-Type"));
  }


  TEST_F(FolderServerTest, HeadOfAFileTooBigToCacheGivesItsLengthWithoutBody)
  {
    FolderServer server({ Folder("/ohif/", directory_.GetPath() / "viewer") }, {}, true, true, {},
                        FileCacheLimits{ 1024, 4 });
    const FolderResponse head = server.ServeMounted(Request("HEAD", "/ohif/index.html"));
    EXPECT_EQ(200, head.status);
    EXPECT_TRUE(head.body.GetMemory().empty());
    EXPECT_EQ("19", Value(head, "Content-Length"));

    const FolderResponse get = server.ServeMounted(Request("GET", "/ohif/index.html"));
    EXPECT_EQ("<html>viewer</html>", get.body.GetMemory());
    EXPECT_EQ(Value(head, "ETag"), Value(get, "ETag"));
    EXPECT_EQ(304, server.ServeMounted(Request("GET", "/ohif/index.html",
                                                          { { "If-None-Match", Value(get, "ETag") } })).status);
  }


  TEST_F(FolderServerTest, HashedBundleIsImmutableForAYear)
  {
    const auto server = MakeServer();
    EXPECT_EQ("public, max-age=31536000, immutable",
              Value(Get(*server, std::string("/ohif/") + HASHED_BUNDLE), "Cache-Control"));
  }


  TEST_F(FolderServerTest, IndexAppConfigAndUnhashedFilesAreRevalidated)
  {
    const auto server = MakeServer();
    EXPECT_EQ("no-cache", Value(Get(*server, "/ohif/"), "Cache-Control"));
    EXPECT_EQ("no-cache", Value(Get(*server, "/ohif/index.html"), "Cache-Control"));
    EXPECT_EQ("no-cache", Value(Get(*server, "/ohif/app-config.js"), "Cache-Control"));
    EXPECT_EQ("no-cache", Value(Get(*server, "/ohif/app.bundle.css"), "Cache-Control"));
    EXPECT_EQ("no-cache", Value(Get(*server, "/ohif/viewer/123", NAVIGATION), "Cache-Control"));
  }


  TEST_F(FolderServerTest, AllowCacheOffSendsNoStore)
  {
    const auto server = MakeServer(true, CrossOriginIsolation::Off, false);
    EXPECT_EQ("no-store", Value(Get(*server, std::string("/ohif/") + HASHED_BUNDLE), "Cache-Control"));
    EXPECT_EQ("no-store", Value(Get(*server, "/ohif/index.html"), "Cache-Control"));
  }


  TEST_F(FolderServerTest, DatedNamesAreRevalidatedWithTheirETag)
  {
    directory_.Write("viewer/report-20240101a.pdf", "%PDF-1.4");
    directory_.Write("viewer/export-20240115b.json", "{}");
    const auto server = MakeServer();
    for (const char* target : { "/ohif/report-20240101a.pdf", "/ohif/export-20240115b.json" })
    {
      const FolderResponse response = Get(*server, target);
      EXPECT_EQ("no-cache", Value(response, "Cache-Control")) << target;
      const FolderResponse revalidated = Get(*server, target, { { "If-None-Match", Value(response, "ETag") } });
      EXPECT_EQ(304, revalidated.status) << target;
      EXPECT_EQ("no-cache", Value(revalidated, "Cache-Control")) << target;
    }
  }


  TEST_F(FolderServerTest, TheFolderImmutableNamePatternDecidesWhichNamesAreImmutable)
  {
    directory_.Write("viewer/viewer-v3.13.2.js", "versioned");
    FolderSettings folder = Folder("/ohif/", directory_.GetPath() / "viewer");
    folder.immutableNames = ImmutableNamePattern::Parse("viewer-v[0-9.]+\\.js");
    FolderServer server({ folder }, {}, true, true, {});
    EXPECT_EQ("public, max-age=31536000, immutable", Value(Get(server, "/ohif/viewer-v3.13.2.js"), "Cache-Control"));
    EXPECT_EQ("no-cache", Value(Get(server, std::string("/ohif/") + HASHED_BUNDLE), "Cache-Control"));
  }


  TEST_F(FolderServerTest, BrotliSiblingIsServedWhenAccepted)
  {
    const auto server = MakeServer();
    const FolderResponse response = Get(*server, "/ohif/compressed.js", { { "Accept-Encoding", "gzip, deflate, br" } });
    EXPECT_EQ("br bytes", response.body.GetMemory());
    EXPECT_EQ("br", Value(response, "Content-Encoding"));
    EXPECT_EQ("text/javascript; charset=utf-8", Value(response, "Content-Type"));
    EXPECT_EQ("8", Value(response, "Content-Length"));
    EXPECT_EQ("Accept-Encoding", Value(response, "Vary"));
  }


  TEST_F(FolderServerTest, GzipSiblingIsServedWhenBrotliIsNotAccepted)
  {
    const auto server = MakeServer();
    EXPECT_EQ("gzip bytes", Get(*server, "/ohif/compressed.js", { { "Accept-Encoding", "gzip" } }).body.GetMemory());
    EXPECT_EQ("gzip bytes", Get(*server, "/ohif/compressed.js", { { "Accept-Encoding", "br;q=0, gzip" } }).body.GetMemory());
    const FolderResponse preferred = Get(*server, "/ohif/compressed.js", { { "Accept-Encoding", "gzip;q=1, br;q=0.5" } });
    EXPECT_EQ("gzip bytes", preferred.body.GetMemory());
    EXPECT_EQ("gzip", Value(preferred, "Content-Encoding"));
  }


  TEST_F(FolderServerTest, GzipSiblingIsTheFallbackWhenThereIsNoBrotliSibling)
  {
    const auto server = MakeServer();
    const FolderResponse response = Get(*server, "/ohif/only-gzip.js", { { "Accept-Encoding", "br, gzip" } });
    EXPECT_EQ("gz", response.body.GetMemory());
    EXPECT_EQ("gzip", Value(response, "Content-Encoding"));
  }


  TEST_F(FolderServerTest, OriginalIsServedWithoutAcceptableEncoding)
  {
    const auto server = MakeServer();
    for (const HttpHeaders& headers : { HttpHeaders{}, HttpHeaders{ { "Accept-Encoding", "identity" } },
                                        HttpHeaders{ { "Accept-Encoding", "br;q=0, gzip;q=0" } },
                                        HttpHeaders{ { "Accept-Encoding", "deflate" } } })
    {
      const FolderResponse response = Get(*server, "/ohif/compressed.js", headers);
      EXPECT_EQ("plain text, rather long", response.body.GetMemory());
      EXPECT_FALSE(Has(response, "Content-Encoding"));
      EXPECT_EQ("Accept-Encoding", Value(response, "Vary"));
    }
  }


  TEST_F(FolderServerTest, EachEncodingHasItsOwnETag)
  {
    const auto server = MakeServer();
    const std::string plain = Value(Get(*server, "/ohif/compressed.js"), "ETag");
    const std::string brotli = Value(Get(*server, "/ohif/compressed.js", { { "Accept-Encoding", "br" } }), "ETag");
    const std::string gzip = Value(Get(*server, "/ohif/compressed.js", { { "Accept-Encoding", "gzip" } }), "ETag");
    EXPECT_NE(plain, brotli);
    EXPECT_NE(plain, gzip);
    EXPECT_NE(brotli, gzip);
    EXPECT_EQ(200, Get(*server, "/ohif/compressed.js", { { "Accept-Encoding", "gzip" }, { "If-None-Match", brotli } }).status);
    EXPECT_EQ(304, Get(*server, "/ohif/compressed.js", { { "Accept-Encoding", "br" }, { "If-None-Match", brotli } }).status);
  }


  TEST_F(FolderServerTest, CompressedFileAskedByNameIsServedAsIs)
  {
    const auto server = MakeServer();
    const FolderResponse response = Get(*server, "/ohif/compressed.js.gz", { { "Accept-Encoding", "gzip, br" } });
    EXPECT_EQ("gzip bytes", response.body.GetMemory());
    EXPECT_FALSE(Has(response, "Content-Encoding"));
    EXPECT_EQ("application/gzip", Value(response, "Content-Type"));
  }


  TEST_F(FolderServerTest, PrecompressedSiblingLeavingTheFolderIsIgnored)
  {
    directory_.Write("outside.js.br", "outside");
    directory_.Write("viewer/escape.js", "inside");
    directory_.Symlink(directory_.GetPath() / "outside.js.br", "viewer/escape.js.br");
    const auto server = MakeServer();
    const FolderResponse response = Get(*server, "/ohif/escape.js", { { "Accept-Encoding", "br" } });
    EXPECT_EQ("inside", response.body.GetMemory());
    EXPECT_FALSE(Has(response, "Content-Encoding"));
  }


  TEST_F(FolderServerTest, RequireCorpIsolationHeaders)
  {
    const auto server = MakeServer(true, CrossOriginIsolation::RequireCorp);
    const FolderResponse response = Get(*server, "/ohif/index.html");
    EXPECT_EQ("same-origin", Value(response, "Cross-Origin-Opener-Policy"));
    EXPECT_EQ("require-corp", Value(response, "Cross-Origin-Embedder-Policy"));
    EXPECT_EQ("same-origin", Value(response, "Cross-Origin-Resource-Policy"));
  }


  TEST_F(FolderServerTest, CredentiallessIsolationHeaders)
  {
    const auto server = MakeServer(true, CrossOriginIsolation::Credentialless);
    const FolderResponse response = Get(*server, std::string("/ohif/") + HASHED_BUNDLE);
    EXPECT_EQ("same-origin", Value(response, "Cross-Origin-Opener-Policy"));
    EXPECT_EQ("credentialless", Value(response, "Cross-Origin-Embedder-Policy"));
    EXPECT_EQ("same-origin", Value(response, "Cross-Origin-Resource-Policy"));
  }


  TEST_F(FolderServerTest, EveryAnswerOfAFolderSaysWhoMayFrameIt)
  {
    const auto server = MakeServer(true, CrossOriginIsolation::RequireCorp);
    const std::string etag = Value(Get(*server, "/ohif/index.html"), "ETag");
    const std::vector<std::pair<int, FolderResponse>> answers = {
      { 200, Get(*server, "/ohif/index.html") },
      { 200, Get(*server, "/ohif/viewer", NAVIGATION) },
      { 304, Get(*server, "/ohif/index.html", { { "If-None-Match", etag } }) },
      { 416, Get(*server, "/ohif/index.html", { { "Range", "bytes=999-" } }) },
      { 404, server->ServeMounted(Request("GET", "/ohif/missing.js")) },
      { 405, server->ServeMounted(Request("DELETE", "/ohif/index.html")) },
      { 200, *server->ServeOnGateway(Request("GET", "/ohif/app-config.js")) } };
    for (const auto& [status, response] : answers)
    {
      EXPECT_EQ(status, response.status);
      EXPECT_EQ("frame-ancestors 'self'", Value(response, "Content-Security-Policy")) << response.status;
      EXPECT_EQ("SAMEORIGIN", Value(response, "X-Frame-Options")) << response.status;
    }
  }


  TEST_F(FolderServerTest, FrameAncestorsOfAnIsolatedFolderMakeItsPagesResourcePolicyCrossOrigin)
  {
    FolderSettings folder = Folder("/ohif/", directory_.GetPath() / "viewer", true, CrossOriginIsolation::RequireCorp);
    folder.framePolicy = FramePolicy({ FramePolicy::ParseAncestor("https://portal.example") });
    const FolderServer server({ folder }, {}, true, true, {});
    const FolderResponse response = Get(server, "/ohif/viewer", NAVIGATION);
    EXPECT_EQ(200, response.status);
    EXPECT_EQ("frame-ancestors 'self' https://portal.example", Value(response, "Content-Security-Policy"));
    EXPECT_FALSE(Has(response, "X-Frame-Options"));
    // The embedding page's COEP needs it of the frame; the frame stays isolated itself.
    EXPECT_EQ("cross-origin", Value(response, "Cross-Origin-Resource-Policy"));
    EXPECT_EQ("require-corp", Value(response, "Cross-Origin-Embedder-Policy"));
    EXPECT_EQ("same-origin", Value(response, "Cross-Origin-Opener-Policy"));

    // The revalidation of the page repeats it; the frame's own scripts are same-origin
    // to it and stay out of other sites' reach.
    const FolderResponse revalidated = Get(server, "/ohif/index.html", { { "If-None-Match", Value(response, "ETag") } });
    EXPECT_EQ(304, revalidated.status);
    EXPECT_EQ("cross-origin", Value(revalidated, "Cross-Origin-Resource-Policy"));
    EXPECT_EQ("same-origin", Value(Get(server, "/ohif/app-config.js"), "Cross-Origin-Resource-Policy"));
    EXPECT_EQ("same-origin", Value(Get(server, std::string("/ohif/") + HASHED_BUNDLE), "Cross-Origin-Resource-Policy"));
  }


  TEST_F(FolderServerTest, FrameAncestorsWithoutIsolationAddNoResourcePolicy)
  {
    FolderSettings folder = Folder("/ohif/", directory_.GetPath() / "viewer");
    folder.framePolicy = FramePolicy({ FramePolicy::ParseAncestor("https://portal.example") });
    const FolderServer server({ folder }, {}, true, true, {});
    const FolderResponse response = Get(server, "/ohif/index.html");
    EXPECT_EQ("frame-ancestors 'self' https://portal.example", Value(response, "Content-Security-Policy"));
    EXPECT_FALSE(Has(response, "Cross-Origin-Resource-Policy"));
  }


  TEST_F(FolderServerTest, IsolationOffAddsNoIsolationHeaders)
  {
    const auto server = MakeServer(true, CrossOriginIsolation::Off);
    const FolderResponse response = Get(*server, "/ohif/index.html");
    EXPECT_FALSE(Has(response, "Cross-Origin-Opener-Policy"));
    EXPECT_FALSE(Has(response, "Cross-Origin-Embedder-Policy"));
    EXPECT_FALSE(Has(response, "Cross-Origin-Resource-Policy"));
  }


  TEST_F(FolderServerTest, EveryAnswerForbidsSniffingAndCarriesItsLength)
  {
    const auto server = MakeServer();
    const std::string tag = Value(Get(*server, "/ohif/index.html"), "ETag");
    const FolderResponse answers[] = {
      Get(*server, "/ohif/index.html"),
      Get(*server, "/ohif/index.html", { { "If-None-Match", tag } }),
      Get(*server, "/ohif/missing.js"),
      server->ServeMounted(Request("POST", "/ohif/index.html")),
      server->ServeMounted(Request("HEAD", "/ohif/missing.js")),
    };
    for (const FolderResponse& response : answers)
    {
      EXPECT_EQ("nosniff", Value(response, "X-Content-Type-Options")) << response.status;
      EXPECT_TRUE(Has(response, "Content-Length")) << response.status;
    }
    EXPECT_EQ(std::to_string(answers[2].body.GetMemory().size()), Value(answers[2], "Content-Length"));
    EXPECT_TRUE(answers[4].body.GetMemory().empty());
  }


  TEST_F(FolderServerTest, MissingFileIsNotFoundOnTheOrthancPort)
  {
    const auto server = MakeServer();
    const FolderResponse response = Get(*server, "/ohif/missing.js");
    EXPECT_EQ(404, response.status);
    EXPECT_EQ("text/plain; charset=utf-8", Value(response, "Content-Type"));
  }


  TEST_F(FolderServerTest, OtherMethodsAreRefusedWithAllowOnTheOrthancPort)
  {
    const auto server = MakeServer();
    for (const char* method : { "POST", "PUT", "DELETE", "OPTIONS", "get" })
    {
      const FolderResponse response = server->ServeMounted(Request(method, "/ohif/index.html"));
      EXPECT_EQ(405, response.status) << method;
      EXPECT_EQ("GET, HEAD", Value(response, "Allow")) << method;
    }
  }


  TEST_F(FolderServerTest, OtherMethodsAreRelayedByTheGateway)
  {
    const auto server = MakeServer();
    EXPECT_FALSE(server->ServeOnGateway(Request("POST", "/ohif/index.html")).has_value());
    EXPECT_FALSE(server->ServeOnGateway(Request("OPTIONS", "/ohif/index.html")).has_value());
  }


  TEST_F(FolderServerTest, PathUnderNoMountIsNotFound)
  {
    const auto server = MakeServer();
    EXPECT_EQ(404, server->ServeMounted(Request("GET", "/other/index.html")).status);
  }


  TEST_F(FolderServerTest, MountedFolderIsFoundWithOrWithoutItsFinalSlash)
  {
    const auto server = MakeServer();
    EXPECT_EQ("<html>viewer</html>", server->ServeMounted(Request("GET", "/ohif")).body.GetMemory());
    EXPECT_EQ("<html>viewer</html>", server->ServeMounted(Request("GET", "/ohif/")).body.GetMemory());
  }


  TEST_F(FolderServerTest, MountedFolderIsMatchedByWholeSegments)
  {
    // A sibling name is not under the folder, even where its files would resolve.
    directory_.Write("viewer/X/index.html", "under viewer/X");
    const auto server = MakeServer();
    for (const char* target : { "/ohifX/", "/ohifX/index.html", "/ohif-x/", "/ohifx" })
    {
      EXPECT_EQ(404, server->ServeMounted(Request("GET", target)).status) << target;
      EXPECT_FALSE(server->ServeOnGateway(Request("GET", target, NAVIGATION)).has_value()) << target;
    }
  }


  TEST_F(FolderServerTest, ChangedFileIsServedWithItsNewContentAndTag)
  {
    const auto server = MakeServer();
    directory_.SetModificationTime("viewer/app-config.js", 60);
    const FolderResponse before = Get(*server, "/ohif/app-config.js");

    directory_.Write("viewer/app-config.js", "window.config = { changed: true };");
    const FolderResponse after = Get(*server, "/ohif/app-config.js", { { "If-None-Match", Value(before, "ETag") } });
    EXPECT_EQ(200, after.status);
    EXPECT_EQ("window.config = { changed: true };", after.body.GetMemory());
    EXPECT_NE(Value(before, "ETag"), Value(after, "ETag"));
  }


  TEST_F(FolderServerTest, UnchangedFileSharesOneBodyBetweenAnswers)
  {
    const auto server = MakeServer();
    EXPECT_EQ(Get(*server, "/ohif/index.html").body.GetMemory().data(),
              Get(*server, "/ohif/index.html").body.GetMemory().data());
  }


  TEST_F(FolderServerTest, ConcurrentRequestsWhileTheFileChangesGetConsistentAnswers)
  {
    const auto server = MakeServer();
    directory_.Write("viewer/data.txt", "version-0");
    std::atomic<bool> inconsistent = false;
    std::vector<std::thread> readers;
    for (int thread = 0; thread < 4; thread++)
    {
      readers.emplace_back([&]
      {
        for (int i = 0; i < 300; i++)
        {
          const FolderResponse response = Get(*server, "/ohif/data.txt");
          if (response.status == 200 &&
              (response.body.GetMemory().rfind("version-", 0) != 0 ||
               Value(response, "Content-Length") != std::to_string(response.body.GetMemory().size())))
          {
            inconsistent = true;
          }
        }
      });
    }
    for (int version = 1; version < 50; version++)
    {
      directory_.Write("viewer/data.txt.tmp", "version-" + std::to_string(version));
      std::filesystem::rename(directory_.GetPath() / "viewer/data.txt.tmp", directory_.GetPath() / "viewer/data.txt");
    }
    for (std::thread& reader : readers)
    {
      reader.join();
    }
    EXPECT_FALSE(inconsistent);
    EXPECT_EQ("version-49", Get(*server, "/ohif/data.txt").body.GetMemory());
  }


  // --- Hidden files ------------------------------------------------------------

  class HiddenFileTest : public FolderServerTest
  {
  protected:
    void SetUp() override
    {
      FolderServerTest::SetUp();
      directory_.Write("viewer/.git/config", "[remote \"origin\"] url = secret");
      directory_.Write("viewer/.htpasswd", "admin:secret");
      directory_.Write("viewer/assets/.env", "TOKEN=secret");
      directory_.Write("viewer/.well-known/security.txt", "Contact: mailto:security@example");
    }

    std::unique_ptr<FolderServer> MakeServerOfHiddenFiles(bool serveHiddenFiles)
    {
      FolderSettings folder = Folder("/ohif/", directory_.GetPath() / "viewer", true);
      folder.serveHiddenFiles = serveHiddenFiles;
      return std::make_unique<FolderServer>(std::vector<FolderSettings>{ folder },
                                            std::map<std::string, std::string>(), true, true,
                                            std::vector<std::string>());
    }
  };

  // Every spelling of a path through a hidden file or directory, as a client sends it.
  const char* const HIDDEN_TARGETS[] = {
    "/ohif/.git/config", "/ohif/.htpasswd", "/ohif/assets/.env", "/ohif/%2egit/config", "/ohif/%2Ehtpasswd",
    "/ohif/.git/", "/ohif/.git", "/ohif/.git/index.html",
    "/ohif/.well-known/.htpasswd", "/ohif/.missing", "/ohif/.missing/route"
  };


  TEST_F(HiddenFileTest, HiddenPathsAreNotFoundOnTheOrthancPortEvenForANavigation)
  {
    const auto server = MakeServerOfHiddenFiles(false);
    for (const char* target : HIDDEN_TARGETS)
    {
      for (const HttpHeaders& headers : { HttpHeaders(), NAVIGATION })
      {
        const FolderResponse response = Get(*server, target, headers);
        EXPECT_EQ(404, response.status) << target;
        EXPECT_EQ(std::string::npos, response.body.GetMemory().find("secret")) << target;
        EXPECT_EQ(std::string::npos, response.body.GetMemory().find("viewer")) << target;   // no index.html
        EXPECT_TRUE(Has(response, "Content-Security-Policy")) << target;   // a missing file of the folder
      }
    }
  }


  TEST_F(HiddenFileTest, HiddenPathsAreRelayedByTheGatewayEvenForANavigation)
  {
    // As a missing file is: Orthanc answers it (404, or its own refusal for a client it lets not in).
    const auto server = MakeServerOfHiddenFiles(false);
    for (const char* target : HIDDEN_TARGETS)
    {
      EXPECT_FALSE(server->ServeOnGateway(Request("GET", target)).has_value()) << target;
      EXPECT_FALSE(server->ServeOnGateway(Request("GET", target, NAVIGATION)).has_value()) << target;
      EXPECT_FALSE(server->ServeOnGateway(Request("HEAD", target)).has_value()) << target;
    }
  }


  TEST_F(HiddenFileTest, HiddenPathsAreRefusedAsOrthancDecodesThem)
  {
    // Orthanc hands its callbacks the decoded path: "%2egit" arrives as ".git".
    const auto server = MakeServerOfHiddenFiles(false);
    EXPECT_EQ(404, Get(*server, EncodeDecodedPath("/ohif/.git/config")).status);
    EXPECT_EQ(404, Get(*server, EncodeDecodedPath("/ohif/.htpasswd")).status);
  }


  TEST_F(HiddenFileTest, WellKnownFilesAreServed)
  {
    const auto server = MakeServerOfHiddenFiles(false);
    const FolderResponse response = Get(*server, "/ohif/.well-known/security.txt");
    EXPECT_EQ(200, response.status);
    EXPECT_EQ("Contact: mailto:security@example", response.body.GetMemory());
    const auto onGateway = server->ServeOnGateway(Request("GET", "/ohif/%2ewell-known/security.txt"));
    ASSERT_TRUE(onGateway.has_value());
    EXPECT_EQ(200, onGateway->status);
  }


  TEST_F(HiddenFileTest, DotsInsideNamesAreNotHidden)
  {
    directory_.Write("viewer/assets/icon.v2.png", "png");
    directory_.Write("viewer/x./y", "y");
    const auto server = MakeServerOfHiddenFiles(false);
    EXPECT_EQ(200, Get(*server, "/ohif/assets/icon.v2.png").status);
    EXPECT_EQ(200, Get(*server, "/ohif/x./y").status);
  }


  TEST_F(HiddenFileTest, ServeHiddenFilesServesThemOnBothPorts)
  {
    const auto server = MakeServerOfHiddenFiles(true);
    EXPECT_EQ("admin:secret", Get(*server, "/ohif/.htpasswd").body.GetMemory());
    EXPECT_EQ("TOKEN=secret", Get(*server, "/ohif/assets/%2eenv").body.GetMemory());
    const auto onGateway = server->ServeOnGateway(Request("GET", "/ohif/.git/config"));
    ASSERT_TRUE(onGateway.has_value());
    EXPECT_EQ(200, onGateway->status);
  }


  // --- Single-page application fallback ---------------------------------------

  TEST_F(FolderServerTest, NavigationToAClientSideRouteGetsIndex)
  {
    const auto server = MakeServer();
    const FolderResponse response = Get(*server, "/ohif/viewer?StudyInstanceUIDs=1.2.3", NAVIGATION);
    EXPECT_EQ(200, response.status);
    EXPECT_EQ("<html>viewer</html>", response.body.GetMemory());
    EXPECT_EQ("text/html; charset=utf-8", Value(response, "Content-Type"));
    EXPECT_NE(std::string::npos, Value(response, "Vary").find("Sec-Fetch-Mode"));

    const auto onGateway = server->ServeOnGateway(Request("GET", "/ohif/viewer/dicomweb/sub/route", NAVIGATION));
    ASSERT_TRUE(onGateway.has_value());
    EXPECT_EQ("<html>viewer</html>", onGateway->body.GetMemory());
  }


  TEST_F(FolderServerTest, AcceptTextHtmlCountsAsNavigationWithoutSecFetchMode)
  {
    const auto server = MakeServer();
    const auto response = server->ServeOnGateway(Request("GET", "/ohif/local", { { "Accept", "text/html,*/*" } }));
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ("<html>viewer</html>", response->body.GetMemory());
  }


  TEST_F(FolderServerTest, NonNavigationToAMissingPathIsNotGivenIndex)
  {
    const auto server = MakeServer();
    const HttpHeaders fetch = { { "Sec-Fetch-Mode", "cors" }, { "Accept", "text/html" } };
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/ohif/viewer", fetch)).has_value());
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/ohif/viewer", { { "Accept", "application/json" } })).has_value());
    EXPECT_EQ(404, Get(*server, "/ohif/viewer", fetch).status);
  }


  TEST_F(FolderServerTest, NavigationToAMissingPathWithAnExtensionIsNotGivenIndex)
  {
    const auto server = MakeServer();
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/ohif/missing.js", NAVIGATION)).has_value());
    EXPECT_EQ(404, Get(*server, "/ohif/missing.js", NAVIGATION).status);
  }


  TEST_F(FolderServerTest, FolderWithoutSinglePageApplicationHasNoFallback)
  {
    const auto server = MakeServer(false);
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/ohif/viewer", NAVIGATION)).has_value());
    EXPECT_EQ(404, Get(*server, "/ohif/viewer", NAVIGATION).status);
  }


  TEST_F(FolderServerTest, HeadNavigationGetsIndexWithoutBody)
  {
    const auto server = MakeServer();
    const auto response = server->ServeOnGateway(Request("HEAD", "/ohif/viewer", NAVIGATION));
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(200, response->status);
    EXPECT_TRUE(response->body.GetMemory().empty());
    EXPECT_EQ("19", Value(*response, "Content-Length"));
  }


  TEST_F(FolderServerTest, PostNavigationIsRelayed)
  {
    const auto server = MakeServer();
    EXPECT_FALSE(server->ServeOnGateway(Request("POST", "/ohif/viewer", NAVIGATION)).has_value());
  }


  TEST_F(FolderServerTest, FolderPrefixServesIndexWithOrWithoutSlash)
  {
    const auto server = MakeServer(false);
    for (const char* target : { "/ohif", "/ohif/", "/ohif?x=1" })
    {
      const auto response = server->ServeOnGateway(Request("GET", target));
      ASSERT_TRUE(response.has_value()) << target;
      EXPECT_EQ("<html>viewer</html>", response->body.GetMemory()) << target;
    }
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/ohifx", NAVIGATION)).has_value());
  }


  TEST_F(FolderServerTest, PathsOutsideEveryFolderAreRelayed)
  {
    const auto server = MakeServer();
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/dicom-web/studies", NAVIGATION)).has_value());
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/index.html")).has_value());
  }


  class RootFolderTest : public FolderServerTest
  {
  protected:
    std::unique_ptr<FolderServer> MakeRootServer()
    {
      directory_.Write("docs/page.html", "docs page");
      return std::make_unique<FolderServer>(
        std::vector<FolderSettings>{ Folder("/", directory_.GetPath() / "viewer", true),
                                     Folder("/docs/", directory_.GetPath() / "docs", false) },
        std::map<std::string, std::string>(), true, true,
        std::vector<std::string>{ "/dicom-web/", "/wado", "/app/", "/ui/", "/", "/ohif/" });
    }
  };


  TEST_F(RootFolderTest, RootFolderServesFilesAndIndex)
  {
    const auto server = MakeRootServer();
    EXPECT_EQ("<html>viewer</html>", server->ServeOnGateway(Request("GET", "/"))->body.GetMemory());
    EXPECT_EQ("window.config = {};", server->ServeOnGateway(Request("GET", "/app-config.js"))->body.GetMemory());
  }


  TEST_F(RootFolderTest, NavigationUnderARelayPrefixIsRelayed)
  {
    const auto server = MakeRootServer();
    for (const char* target : { "/dicom-web/studies", "/dicom-web", "/wado", "/wado/", "/wado/x", "/app/explorer",
                                "/app", "/ui/app", "/ui" })
    {
      EXPECT_FALSE(server->ServeOnGateway(Request("GET", target, NAVIGATION)).has_value()) << target;
    }
  }


  TEST_F(RootFolderTest, RelayPrefixNoMoreSpecificThanTheFolderDoesNotDisableTheFallback)
  {
    // "/" is in the relay prefixes (a route equal to the folder): client-side routes still work.
    const auto server = MakeRootServer();
    for (const char* target : { "/viewer", "/viewer/dicomjson", "/localbasic", "/application" })
    {
      const auto response = server->ServeOnGateway(Request("GET", target, NAVIGATION));
      ASSERT_TRUE(response.has_value()) << target;
      EXPECT_EQ("<html>viewer</html>", response->body.GetMemory()) << target;
    }
  }


  TEST_F(RootFolderTest, RelayPrefixIsMatchedByWholeSegments)
  {
    // "/wado" (WADO-URI) does not cover "/wado-rs" nor "/wadox": client-side routes of the folder.
    const auto server = MakeRootServer();
    for (const char* target : { "/wado-rs", "/wado-rs/studies", "/wadox", "/application", "/ui-x", "/dicom-webx" })
    {
      const auto response = server->ServeOnGateway(Request("GET", target, NAVIGATION));
      ASSERT_TRUE(response.has_value()) << target;
      EXPECT_EQ("<html>viewer</html>", response->body.GetMemory()) << target;
    }
  }


  TEST_F(RootFolderTest, RootFolderIsNotMountedOnTheOrthancPort)
  {
    // Orthanc's own port keeps its root: only "/docs/" is mounted there.
    const auto server = MakeRootServer();
    EXPECT_EQ(404, server->ServeMounted(Request("GET", "/app-config.js")).status);
    EXPECT_EQ(404, server->ServeMounted(Request("GET", "/")).status);
    EXPECT_EQ("docs page", server->ServeMounted(Request("GET", "/docs/page.html")).body.GetMemory());
  }


  TEST_F(RootFolderTest, NonNavigationUnderRootFolderIsRelayed)
  {
    const auto server = MakeRootServer();
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/studies", { { "Accept", "application/dicom+json" } })).has_value());
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/instances", { { "Sec-Fetch-Mode", "cors" } })).has_value());
  }


  TEST_F(RootFolderTest, LongestPrefixWins)
  {
    directory_.Write("viewer/docs/page.html", "shadowed page of the root folder");
    directory_.Write("viewer/only-in-root.html", "root");
    const auto server = MakeRootServer();
    EXPECT_EQ("docs page", server->ServeOnGateway(Request("GET", "/docs/page.html"))->body.GetMemory());
    EXPECT_EQ("root", server->ServeOnGateway(Request("GET", "/only-in-root.html"))->body.GetMemory());
    // The longest matching folder answers alone: no fall-back to the shorter prefix.
    directory_.Write("viewer/docs/other.html", "root folder's docs/other.html");
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/docs/other.html")).has_value());
  }


  TEST_F(RootFolderTest, ExistingFileIsServedEvenUnderARelayPrefix)
  {
    directory_.Write("viewer/app/local.js", "local");
    const auto server = MakeRootServer();
    EXPECT_EQ("local", server->ServeOnGateway(Request("GET", "/app/local.js"))->body.GetMemory());
  }


  // What Chromium sends when the address bar opens a URL.
  const HttpHeaders BROWSER_NAVIGATION = {
    { "Sec-Fetch-Mode", "navigate" }, { "Sec-Fetch-Dest", "document" },
    { "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
                "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7" } };


  TEST_F(RootFolderTest, PluginRoutesAreNeverAPageOfTheRootFolder)
  {
    const auto server = MakeRootServer();
    for (const char* target : { "/cors/policy", "/cors/check", "/cors/folder-access/", "/cors/folder-access/docs/",
                                "/cors", "/cors/unknown", "/cors/policy?x=1", "/cors/%70olicy", "/%63ors/policy" })
    {
      EXPECT_FALSE(server->ServeOnGateway(Request("GET", target, BROWSER_NAVIGATION)).has_value()) << target;
      EXPECT_FALSE(server->ServeOnGateway(Request("HEAD", target, NAVIGATION)).has_value()) << target;
      EXPECT_EQ(nullptr, server->FindFolder(target)) << target;
    }
    EXPECT_EQ(nullptr, server->FindFolderOfPage("/cors/policy"));
    // Whole segments: a client-side route that only begins with the same letters is the viewer's.
    const auto response = server->ServeOnGateway(Request("GET", "/corsair", BROWSER_NAVIGATION));
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ("<html>viewer</html>", response->body.GetMemory());
  }


  TEST_F(RootFolderTest, PluginRoutesAreNeverAFileOfTheRootFolder)
  {
    directory_.Write("viewer/cors/policy", "a file of the viewer");
    directory_.Write("viewer/cors/index.html", "a page of the viewer");
    const auto server = MakeRootServer();
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/cors/policy")).has_value());
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/cors/")).has_value());
    EXPECT_FALSE(server->ServeOnGateway(Request("GET", "/cors/index.html")).has_value());
  }


  TEST_F(RootFolderTest, FoldersAreListedLongestPrefixFirst)
  {
    const auto server = MakeRootServer();
    ASSERT_EQ(2u, server->GetFolders().size());
    EXPECT_EQ("/docs/", server->GetFolders()[0].prefix);
    EXPECT_EQ("/", server->GetFolders()[1].prefix);
  }


  // Range requests and large files: a cache that keeps nothing above 16 bytes, so
  // that "large.bin" is streamed from its file on the gateway.
  class FolderRangeTest : public ::testing::Test
  {
  protected:
    TemporaryDirectory directory_;
    const std::string large_ = "0123456789abcdefghijklmnopqrstuvwxyz";   // 36 bytes
    std::unique_ptr<FolderServer> server_;

    void SetUp() override
    {
      directory_.Write("viewer/large.bin", large_);
      directory_.Write("viewer/small.txt", "small text");
      directory_.Write("viewer/compressed.js", "plain text, rather long");
      directory_.Write("viewer/compressed.js.gz", "gzip bytes");
      FolderSettings folder = Folder("/v/", directory_.GetPath() / "viewer");
      folder.maxBytesOnOrthancPort = 20;
      server_ = std::make_unique<FolderServer>(std::vector<FolderSettings>{ folder }, std::map<std::string, std::string>(),
                                               true, true, std::vector<std::string>(), FileCacheLimits{ 1000, 16 });
    }

    FolderResponse OnGateway(const std::string& method, const std::string& target, HttpHeaders headers = {})
    {
      std::optional<FolderResponse> response = server_->ServeOnGateway(Request(method, target, std::move(headers)));
      EXPECT_TRUE(response.has_value());
      return response ? std::move(*response) : FolderResponse();
    }

    static std::string BodyOf(const FolderResponse& response)
    {
      return std::string(response.body.Loaded().GetMemory());
    }
  };


  TEST_F(FolderRangeTest, FileAboveTheCacheLimitStaysInItsFileOnTheGateway)
  {
    const FolderResponse response = OnGateway("GET", "/v/large.bin");
    EXPECT_EQ(200, response.status);
    EXPECT_TRUE(response.body.IsInFile());
    EXPECT_EQ(36u, response.body.GetSize());
    EXPECT_EQ("36", Value(response, "Content-Length"));
    EXPECT_EQ(large_, BodyOf(response));
    EXPECT_FALSE(OnGateway("GET", "/v/small.txt").body.IsInFile());
  }


  TEST_F(FolderRangeTest, EveryAnswerToAGetAdvertisesByteRanges)
  {
    EXPECT_EQ("bytes", Value(OnGateway("GET", "/v/large.bin"), "Accept-Ranges"));
    EXPECT_EQ("bytes", Value(OnGateway("GET", "/v/small.txt"), "Accept-Ranges"));
    EXPECT_EQ("bytes", Value(OnGateway("HEAD", "/v/small.txt"), "Accept-Ranges"));
  }


  TEST_F(FolderRangeTest, SingleRangeGivesPartialContentWithContentRange)
  {
    for (const char* target : { "/v/large.bin", "/v/small.txt" })
    {
      const FolderResponse response = OnGateway("GET", target, { { "Range", "bytes=2-5" } });
      EXPECT_EQ(206, response.status) << target;
      EXPECT_EQ("4", Value(response, "Content-Length")) << target;
      const std::string whole = std::string(target) == "/v/large.bin" ? large_ : "small text";
      EXPECT_EQ("bytes 2-5/" + std::to_string(whole.size()), Value(response, "Content-Range")) << target;
      EXPECT_EQ(whole.substr(2, 4), BodyOf(response)) << target;
      EXPECT_TRUE(Has(response, "ETag"));
      EXPECT_TRUE(Has(response, "Content-Type"));
    }
    EXPECT_EQ("xyz", BodyOf(OnGateway("GET", "/v/large.bin", { { "Range", "bytes=-3" } })));
    EXPECT_EQ("z", BodyOf(OnGateway("GET", "/v/large.bin", { { "Range", "bytes=35-" } })));
  }


  TEST_F(FolderRangeTest, UnsatisfiableRangeGives416WithTheCompleteLength)
  {
    const FolderResponse response = OnGateway("GET", "/v/large.bin", { { "Range", "bytes=36-" } });
    EXPECT_EQ(416, response.status);
    EXPECT_EQ("bytes */36", Value(response, "Content-Range"));
    EXPECT_EQ("text/plain; charset=utf-8", Value(response, "Content-Type"));
    EXPECT_EQ(std::to_string(response.body.GetSize()), Value(response, "Content-Length"));
    // The gateway asks Orthanc before it tells anyone the file's size.
    EXPECT_EQ("/v/", response.folder ? response.folder->prefix : "(none)");
  }


  TEST_F(FolderRangeTest, RangeIsIgnoredForHead)
  {
    const FolderResponse response = OnGateway("HEAD", "/v/large.bin", { { "Range", "bytes=0-1" } });
    EXPECT_EQ(200, response.status);
    EXPECT_EQ("36", Value(response, "Content-Length"));
    EXPECT_FALSE(Has(response, "Content-Range"));
    EXPECT_EQ(0u, response.body.GetSize());
  }


  TEST_F(FolderRangeTest, IfNoneMatchIsEvaluatedBeforeRange)
  {
    const std::string tag = Value(OnGateway("GET", "/v/large.bin"), "ETag");
    const FolderResponse response = OnGateway("GET", "/v/large.bin", { { "If-None-Match", tag }, { "Range", "bytes=0-1" } });
    EXPECT_EQ(304, response.status);
    EXPECT_FALSE(Has(response, "Content-Range"));
  }


  TEST_F(FolderRangeTest, IfRangeWithTheCurrentEntityTagKeepsTheRange)
  {
    const std::string tag = Value(OnGateway("GET", "/v/large.bin"), "ETag");
    EXPECT_EQ(206, OnGateway("GET", "/v/large.bin", { { "If-Range", tag }, { "Range", "bytes=0-1" } }).status);
    const FolderResponse stale = OnGateway("GET", "/v/large.bin", { { "If-Range", "\"old\"" }, { "Range", "bytes=0-1" } });
    EXPECT_EQ(200, stale.status);
    EXPECT_EQ(large_, BodyOf(stale));
  }


  TEST_F(FolderRangeTest, RangeIsServedFromTheUncompressedFile)
  {
    // A slice of a gzip or brotli stream could not be decoded by the client.
    const FolderResponse response = OnGateway("GET", "/v/compressed.js", { { "Accept-Encoding", "gzip" },
                                                                           { "Range", "bytes=0-4" } });
    EXPECT_EQ(206, response.status);
    EXPECT_FALSE(Has(response, "Content-Encoding"));
    EXPECT_EQ("bytes 0-4/23", Value(response, "Content-Range"));
    EXPECT_EQ("plain", BodyOf(response));
    EXPECT_EQ("Accept-Encoding", Value(response, "Vary"));
    EXPECT_EQ("gzip", Value(OnGateway("GET", "/v/compressed.js", { { "Accept-Encoding", "gzip" } }),
                            "Content-Encoding"));
  }


  TEST_F(FolderRangeTest, OrthancPortRefusesABodyAboveTheFolderLimit)
  {
    for (const char* method : { "GET", "HEAD" })
    {
      const FolderResponse response = server_->ServeMounted(Request(method, "/v/large.bin"));
      EXPECT_EQ(501, response.status) << method;
      EXPECT_EQ(36u, response.refusedBodyBytes) << method;
      EXPECT_EQ("no-store", Value(response, "Cache-Control")) << method;
      EXPECT_EQ("/v/", response.folder ? response.folder->prefix : "(none)") << method;
    }
  }


  TEST_F(FolderRangeTest, OrthancPortServesARangeWithinTheFolderLimitFromMemory)
  {
    const FolderResponse response = server_->ServeMounted(Request("GET", "/v/large.bin", { { "Range", "bytes=10-29" } }));
    EXPECT_EQ(206, response.status);
    EXPECT_FALSE(response.body.IsInFile());
    EXPECT_EQ(large_.substr(10, 20), response.body.GetMemory());
    EXPECT_EQ(501, server_->ServeMounted(Request("GET", "/v/large.bin", { { "Range", "bytes=10-30" } })).status);
  }


  TEST_F(FolderRangeTest, OrthancPortServesSmallFilesAndNotModifiedAsUsual)
  {
    EXPECT_EQ(200, server_->ServeMounted(Request("GET", "/v/small.txt")).status);
    const std::string tag = Value(OnGateway("GET", "/v/large.bin"), "ETag");
    EXPECT_EQ(304, server_->ServeMounted(Request("GET", "/v/large.bin", { { "If-None-Match", tag } })).status);
  }


  TEST_F(FolderRangeTest, FifoAndDirectoryWhereAFileWasExpectedAreNotFound)
  {
    ASSERT_EQ(0, ::mkfifo((directory_.GetPath() / "viewer" / "pipe.bin").c_str(), 0644));
    directory_.MakeDirectory("viewer/folder.js");
    for (const char* target : { "/v/pipe.bin", "/v/folder.js" })
    {
      EXPECT_FALSE(server_->ServeOnGateway(Request("GET", target)).has_value()) << target;
      EXPECT_EQ(404, server_->ServeMounted(Request("GET", target)).status) << target;
    }
  }
}
