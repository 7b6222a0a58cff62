// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Common/TargetPath.h"
#include "Folders/FolderServer.h"
#include "Folders/PathResolver.h"
#include "TemporaryDirectory.h"

#include <gtest/gtest.h>

namespace OrthancCors
{
  namespace
  {
    const char* const SECRET = "secret outside the folder";

    // Spellings of "get out of the folder", each aimed at a real file outside it
    // (base/secret.txt, base/site-old/secret.txt) or at a system file.
    const char* const HOSTILE_TARGETS[] = {
      "/site/../secret.txt",
      "/site/%2e%2e/secret.txt",
      "/site/%2E%2E/secret.txt",
      "/site/%2E%2e/secret.txt",
      "/site/%2e%2E/secret.txt",
      "/site/.%2e/secret.txt",
      "/site/%2e./secret.txt",
      "/site/.%2E/secret.txt",
      "/site/..%2fsecret.txt",
      "/site/..%2Fsecret.txt",
      "/site/%2e%2e%2fsecret.txt",
      "/site/%2e%2e%2Fsecret.txt",
      "/site/..%5csecret.txt",
      "/site/..%5Csecret.txt",
      "/site/%2e%2e%5csecret.txt",
      "/site/..\\secret.txt",
      "/site/\\..\\secret.txt",
      "/site/%5c..%5csecret.txt",
      "/site/sub/../../secret.txt",
      "/site/sub/%2e%2e/%2e%2e/secret.txt",
      "/site/sub/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/site/app.js/../../secret.txt",
      "/site/sub/..;/../secret.txt",
      "/site/..",
      "/site/%2e%2e",
      "/site/%2e%2e/",
      "/site/./app.js",
      "/site/%2e/app.js",
      "/site//etc/passwd",
      "/site///etc/passwd",
      "/site/%2fetc%2fpasswd",
      "/site/%2Fetc/passwd",
      "/site/app.js%00.png",
      "/site/%00",
      "/site/..%00/secret.txt",
      "/site/app.js%0a",
      "/site/%252e%252e%252fsecret.txt",
      "/site/%252e%252e/%252e%252e/secret.txt",
      "/site/%%32%65%%32%65/secret.txt",
      "/site/%u002e%u002e/secret.txt",
      "/site/%2",
      "/site/%zz/secret.txt",
      "/site/%c0%ae%c0%ae/secret.txt",
      "/site/..%c0%afsecret.txt",
      "/site/....//secret.txt",
      "/site/link-to-secret.txt",
      "/site/link-to-parent/secret.txt",
      "/site/link-to-etc/passwd",
      "/site/link-to-site-old/secret.txt",
      "/site/absolute-link",
      "/secret.txt",
      "/site-old/secret.txt",
      "site/app.js",
      "http://localhost/site/../secret.txt",
      "",
    };

    // Paths that must be found, with the content expected.
    const std::pair<const char*, const char*> LEGITIMATE_TARGETS[] = {
      { "/site", "index" },
      { "/site/", "index" },
      { "/site/index.html", "index" },
      { "/site/app.js", "app" },
      { "/site/app.js?v=1&x=../../secret.txt", "app" },
      { "/site/%61pp.js", "app" },
      { "/%73ite/app.js", "app" },
      { "/site/sub/page.html", "page" },
      { "/site/sub/", "sub index" },
      { "/site/with%20space.txt", "space" },
      { "/site/unicode-%C3%A9.txt", "unicode" },
      { "/site/data..txt", "dots in a name" },
      { "/site/100%25.txt", "percent" },
      { "/site/%252e%252e/secret.txt", "literal %2e%2e folder" },
      { "/site/link-inside.js", "app" },
      { "/site/link-to-sub/page.html", "page" },
    };

    class Traversal : public ::testing::Test
    {
    protected:
      TemporaryDirectory base_;
      std::unique_ptr<FolderServer> server_;

      void SetUp() override
      {
        base_.Write("secret.txt", SECRET);
        base_.Write("site-old/secret.txt", SECRET);
        base_.Write("site/index.html", "index");
        base_.Write("site/app.js", "app");
        base_.Write("site/sub/page.html", "page");
        base_.Write("site/sub/index.html", "sub index");
        base_.Write("site/with space.txt", "space");
        base_.Write("site/unicode-\xc3\xa9.txt", "unicode");
        base_.Write("site/data..txt", "dots in a name");
        base_.Write("site/100%.txt", "percent");
        base_.Write("site/%2e%2e/secret.txt", "literal %2e%2e folder");
        base_.Symlink(base_.GetPath() / "secret.txt", "site/link-to-secret.txt");
        base_.Symlink("..", "site/link-to-parent");
        base_.Symlink("/etc", "site/link-to-etc");
        base_.Symlink("../site-old", "site/link-to-site-old");
        base_.Symlink("/etc/passwd", "site/absolute-link");
        base_.Symlink("app.js", "site/link-inside.js");
        base_.Symlink("sub", "site/link-to-sub");

        FolderSettings folder;
        folder.prefix = "/site/";
        folder.path = (base_.GetPath() / "site").string();
        folder.singlePageApplication = true;
        server_ = std::make_unique<FolderServer>(std::vector<FolderSettings>{ folder },
                                                 std::map<std::string, std::string>(), true, true,
                                                 std::vector<std::string>());
      }

      static FolderRequest Get(const std::string& target)
      {
        return FolderRequest{"GET", target, {}};
      }
    };
  }


  TEST_F(Traversal, EveryHostileSpellingIsNotFoundOnTheOrthancPort)
  {
    for (const char* target : HOSTILE_TARGETS)
    {
      const FolderResponse response = server_->ServeMounted(Get(target));
      EXPECT_EQ(404, response.status) << target;
      EXPECT_EQ(std::string::npos, response.body.GetMemory().find(SECRET)) << target;
    }
  }


  TEST_F(Traversal, EveryHostileSpellingGivesAtMostTheApplicationToANavigation)
  {
    for (const char* target : HOSTILE_TARGETS)
    {
      FolderRequest request = Get(target);
      request.headers = { { "Sec-Fetch-Mode", "navigate" } };
      const FolderResponse response = server_->ServeMounted(request);
      // Either refused, or an extension-less client-side route given the application.
      EXPECT_TRUE(response.status == 404 || response.body.GetMemory() == "index") << target;
      EXPECT_EQ(std::string::npos, response.body.GetMemory().find(SECRET)) << target;
    }
  }


  TEST_F(Traversal, EveryHostileSpellingIsLeftToOrthancByTheGateway)
  {
    for (const char* target : HOSTILE_TARGETS)
    {
      const std::optional<FolderResponse> response = server_->ServeOnGateway(Get(target));
      EXPECT_FALSE(response.has_value()) << target;
    }
  }


  TEST_F(Traversal, LegitimatePathsAreFound)
  {
    for (const auto& [target, content] : LEGITIMATE_TARGETS)
    {
      const FolderResponse response = server_->ServeMounted(Get(target));
      EXPECT_EQ(200, response.status) << target;
      EXPECT_EQ(content, response.body.GetMemory()) << target;

      const std::optional<FolderResponse> onGateway = server_->ServeOnGateway(Get(target));
      ASSERT_TRUE(onGateway.has_value()) << target;
      EXPECT_EQ(content, onGateway->body.GetMemory()) << target;
    }
  }


  TEST_F(Traversal, SymbolicLinkLeavingTheFolderIsNotFound)
  {
    EXPECT_EQ(404, server_->ServeMounted(Get("/site/link-to-secret.txt")).status);
    EXPECT_EQ(404, server_->ServeMounted(Get("/site/link-to-parent/secret.txt")).status);
    EXPECT_EQ(404, server_->ServeMounted(Get("/site/absolute-link")).status);
  }


  TEST_F(Traversal, SymbolicLinkToASiblingFolderSharingThePrefixIsNotFound)
  {
    // ".../site-old" starts with the characters of ".../site" but is outside it.
    EXPECT_EQ(404, server_->ServeMounted(Get("/site/link-to-site-old/secret.txt")).status);
  }


  TEST_F(Traversal, SymbolicLinkStayingInsideTheFolderIsServed)
  {
    const FolderResponse file = server_->ServeMounted(Get("/site/link-inside.js"));
    EXPECT_EQ(200, file.status);
    EXPECT_EQ("app", file.body.GetMemory());

    const FolderResponse throughDirectory = server_->ServeMounted(Get("/site/link-to-sub/page.html"));
    EXPECT_EQ(200, throughDirectory.status);
    EXPECT_EQ("page", throughDirectory.body.GetMemory());
  }


  TEST_F(Traversal, FolderThatIsItselfASymbolicLinkIsServed)
  {
    base_.Symlink(base_.GetPath() / "site", "current");
    FolderSettings folder;
    folder.prefix = "/v/";
    folder.path = (base_.GetPath() / "current").string();
    FolderServer server({ folder }, {}, true, true, {});
    EXPECT_EQ("app", server.ServeMounted(Get("/v/app.js")).body.GetMemory());
    EXPECT_EQ(404, server.ServeMounted(Get("/v/link-to-secret.txt")).status);
  }


  TEST_F(Traversal, DoubleEncodingIsDecodedOnlyOnce)
  {
    // "%252e%252e" is the literal folder name "%2e%2e", never "..".
    const FolderResponse response = server_->ServeMounted(Get("/site/%252e%252e/secret.txt"));
    EXPECT_EQ(200, response.status);
    EXPECT_EQ("literal %2e%2e folder", response.body.GetMemory());
  }


  TEST_F(Traversal, DirectoryWithoutIndexIsNotFound)
  {
    base_.MakeDirectory("site/empty");
    EXPECT_EQ(404, server_->ServeMounted(Get("/site/empty/")).status);
    EXPECT_EQ(404, server_->ServeMounted(Get("/site/empty")).status);
  }


  TEST(DecodeRequestPath, DecodesOnceAndDropsTheQuery)
  {
    EXPECT_EQ("/a b/%2e.js", DecodeRequestPath("/a%20b/%252e.js?x=%2e%2e#frag").value_or("refused"));
    EXPECT_EQ("/", DecodeRequestPath("/").value_or("refused"));
    EXPECT_EQ("/dir/", DecodeRequestPath("/dir/").value_or("refused"));
  }


  TEST(DecodeRequestPath, PathEndsAtTheFirstQuestionMarkOrHash)
  {
    EXPECT_EQ("/ohif/index.html", DecodeRequestPath("/ohif/index.html#?x=1").value_or("refused"));
    EXPECT_EQ("/ohif/app.js", DecodeRequestPath("/ohif/app.js#/../../secret").value_or("refused"));
  }


  TEST(DecodeRequestPath, RefusesDotSegmentsEncodedSeparatorsAndControlCharacters)
  {
    for (const char* target : { "/a/../b", "/a/%2E%2e/b", "/a/./b", "/a%2fb", "/a%5Cb", "/a\\b",
                                "/a%00b", "/a%7fb", "/a%1b", "//a", "/a//b", "/a/%", "/a/%4", "/a/%g0",
                                "a/b", "*", "" })
    {
      EXPECT_FALSE(DecodeRequestPath(target).has_value()) << target;
    }
  }


  TEST(EncodeDecodedPath, DecodingGivesTheSamePathBack)
  {
    for (const char* path : { "/ohif/100%.txt", "/ohif/a?b#c.js", "/ohif/with space/\xc3\xa9.txt", "/ohif/%2e%2e/x" })
    {
      EXPECT_EQ(path, DecodeRequestPath(EncodeDecodedPath(path)).value_or("refused")) << path;
    }
  }


  TEST(EncodeDecodedPath, HostileDecodedPathStaysRefused)
  {
    for (const char* path : { "/ohif/../secret", "/ohif/a\\b", "/ohif//etc" })
    {
      EXPECT_FALSE(DecodeRequestPath(EncodeDecodedPath(path)).has_value()) << path;
    }
    EXPECT_FALSE(DecodeRequestPath(EncodeDecodedPath(std::string("/ohif/a\0b", 9))).has_value());
  }


  TEST(IsHiddenPath, ASegmentStartingWithADotIsHidden)
  {
    for (const char* path : { ".git/config", ".htpasswd", ".env", "assets/.env", "a/.b/c", ".git/", "...",
                              ".well-known/.htpasswd", ".Well-Known/x" })
    {
      EXPECT_TRUE(IsHiddenPath(path)) << path;
    }
  }


  TEST(IsHiddenPath, WellKnownAndDotsInsideNamesAreNotHidden)
  {
    for (const char* path : { ".well-known/security.txt", ".well-known/acme-challenge/token", "a/.well-known/x",
                              "app.bundle.js", "assets/icon.v2.png", "x./y", "", "sub/", "index.html" })
    {
      EXPECT_FALSE(IsHiddenPath(path)) << path;
    }
  }


  TEST(ResolveFileInFolder, RefusesUncheckedSegmentsEvenWhenCalledDirectly)
  {
    TemporaryDirectory base;
    base.Write("secret.txt", SECRET);
    base.Write("site/app.js", "app");
    const std::filesystem::path site = base.GetPath() / "site";

    EXPECT_TRUE(ResolveFileInFolder(site, "app.js").has_value());
    EXPECT_FALSE(ResolveFileInFolder(site, "../secret.txt").has_value());
    EXPECT_FALSE(ResolveFileInFolder(site, (base.GetPath() / "secret.txt").string()).has_value());
    EXPECT_FALSE(ResolveFileInFolder(site, "").has_value());
    EXPECT_FALSE(ResolveFileInFolder(site, "./app.js").has_value());
    EXPECT_FALSE(ResolveFileInFolder(site, std::string("app.js\0x", 8)).has_value());
  }
}
