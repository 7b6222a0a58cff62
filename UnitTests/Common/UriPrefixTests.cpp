// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Common/PrefixTable.h"
#include "Common/UriPrefix.h"

#include <gtest/gtest.h>

#include <map>

namespace OrthancCors
{
  namespace
  {
    struct MatchCase
    {
      const char* name;
      std::string prefix;
      std::string path;
      bool matches;
    };

    class UriPrefixMatch : public testing::TestWithParam<MatchCase>
    {
    };

    struct Entry
    {
      std::string prefix;
      std::string name;
    };

    // The name of the entry found for `path`, "" when none.
    std::string Found(const PrefixTable<Entry>& table, std::string_view path)
    {
      const Entry* entry = table.Find(path);
      return entry == nullptr ? "" : entry->name;
    }

    PrefixTable<Entry> MakeTable(std::vector<Entry> entries)
    {
      return PrefixTable<Entry>(std::move(entries), [](const Entry& entry) -> const std::string& { return entry.prefix; });
    }
  }


  TEST_P(UriPrefixMatch, MatchesByWholeSegments)
  {
    EXPECT_EQ(GetParam().matches, UriPrefix(GetParam().prefix).Matches(GetParam().path));
  }

  INSTANTIATE_TEST_SUITE_P(UriPrefix, UriPrefixMatch, testing::Values(
    MatchCase{ "SlashPrefixMatchesItselfWithoutTheSlash", "/viewer/", "/viewer", true },
    MatchCase{ "SlashPrefixMatchesItself", "/viewer/", "/viewer/", true },
    MatchCase{ "SlashPrefixMatchesBelow", "/viewer/", "/viewer/a/b.js", true },
    MatchCase{ "SlashPrefixDoesNotMatchALongerName", "/viewer/", "/viewerX/", false },
    MatchCase{ "SlashPrefixDoesNotMatchAHyphenatedName", "/viewer/", "/viewer-x/", false },
    MatchCase{ "SlashPrefixDoesNotMatchItsParent", "/viewer/", "/", false },
    MatchCase{ "BarePrefixMatchesItself", "/viewer", "/viewer", true },
    MatchCase{ "BarePrefixMatchesItselfWithSlash", "/viewer", "/viewer/", true },
    MatchCase{ "BarePrefixMatchesBelow", "/viewer", "/viewer/a", true },
    MatchCase{ "BarePrefixDoesNotMatchALongerName", "/viewer", "/viewerX/", false },
    MatchCase{ "BarePrefixDoesNotMatchAHyphenatedName", "/viewer", "/viewer-x/", false },
    MatchCase{ "BarePrefixIsNotAStringPrefix", "/wado", "/wado-rs", false },
    MatchCase{ "BarePrefixIsNotAStringPrefixBelowEither", "/wado", "/wado-rs/studies", false },
    MatchCase{ "NestedPrefixMatchesBelow", "/app/viewer/", "/app/viewer/x", true },
    MatchCase{ "NestedPrefixDoesNotMatchItsParent", "/app/viewer/", "/app/", false },
    MatchCase{ "RootMatchesRoot", "/", "/", true },
    MatchCase{ "RootMatchesEverything", "/", "/anything/below", true },
    MatchCase{ "MatchIsCaseSensitive", "/viewer/", "/Viewer/", false },
    MatchCase{ "EmptyPrefixMatchesNothing", "", "/", false },
    MatchCase{ "RelativePrefixMatchesNothing", "viewer", "viewer", false },
    MatchCase{ "RelativePathIsNeverMatched", "/", "viewer", false }
  ), [](const testing::TestParamInfo<MatchCase>& info) { return std::string(info.param.name); });


  TEST(UriPrefix, BareFormDropsOnlyTheFinalSlash)
  {
    EXPECT_EQ("/ohif", UriPrefix("/ohif/").GetBare());
    EXPECT_EQ("/ohif", UriPrefix("/ohif").GetBare());
    EXPECT_EQ("", UriPrefix("/").GetBare());
    EXPECT_EQ("/ohif/", UriPrefix("/ohif/").GetText());
  }

  TEST(UriPrefix, PrefixesDifferingByTheFinalSlashAreEqual)
  {
    EXPECT_EQ(UriPrefix("/wado"), UriPrefix("/wado/"));
    EXPECT_NE(UriPrefix("/wado"), UriPrefix("/wado-rs"));
    EXPECT_NE(UriPrefix("/"), UriPrefix("/a/"));
  }

  TEST(UriPrefix, ContainsWhatItMatchesEntirely)
  {
    EXPECT_TRUE(UriPrefix("/").Contains(UriPrefix("/app/")));
    EXPECT_TRUE(UriPrefix("/").Contains(UriPrefix("/")));
    EXPECT_TRUE(UriPrefix("/ohif/").Contains(UriPrefix("/ohif")));
    EXPECT_TRUE(UriPrefix("/ohif").Contains(UriPrefix("/ohif/viewer")));
    EXPECT_FALSE(UriPrefix("/ohif/").Contains(UriPrefix("/ohifx")));
    EXPECT_FALSE(UriPrefix("/ohif/viewer").Contains(UriPrefix("/ohif/")));
    EXPECT_FALSE(UriPrefix("/app/").Contains(UriPrefix("/")));
    EXPECT_FALSE(UriPrefix("/").Contains(UriPrefix("")));
  }

  TEST(UriPrefix, WithTrailingSlashAddsItOnce)
  {
    EXPECT_EQ("/ohif/", WithTrailingSlash("/ohif"));
    EXPECT_EQ("/ohif/", WithTrailingSlash("/ohif/"));
    EXPECT_EQ("/", WithTrailingSlash("/"));
  }


  TEST(PrefixTable, LongestMatchingPrefixWins)
  {
    const PrefixTable<Entry> table = MakeTable({ { "/", "root" }, { "/viewer/", "viewer" },
                                                 { "/viewer/studies", "studies" } });
    const std::map<std::string, std::string> expected = {
      { "/viewer/studies/1.2.3", "studies" }, { "/viewer/studies", "studies" }, { "/viewer/studiesX", "viewer" },
      { "/viewer", "viewer" }, { "/viewerX/", "root" }, { "/viewer-x/", "root" }, { "/", "root" }
    };
    for (const auto& [path, name] : expected)
    {
      EXPECT_EQ(name, Found(table, path)) << path;
    }
  }

  TEST(PrefixTable, WithoutRootSomePathsMatchNothing)
  {
    const PrefixTable<Entry> table = MakeTable({ { "/wado", "wado" }, { "/dicom-web/", "dicomweb" } });
    EXPECT_EQ("wado", Found(table, "/wado"));
    EXPECT_EQ("wado", Found(table, "/wado/x"));
    EXPECT_EQ("", Found(table, "/wado-rs"));
    EXPECT_EQ("", Found(table, "/dicom-webx"));
    EXPECT_EQ("", Found(table, "/"));
    EXPECT_EQ("", Found(MakeTable({}), "/"));
  }

  TEST(PrefixTable, OfEqualPrefixesTheOneWithTheFinalSlashWins)
  {
    for (const auto& entries : { std::vector<Entry>{ { "/x", "bare" }, { "/x/", "slash" } },
                                 std::vector<Entry>{ { "/x/", "slash" }, { "/x", "bare" } } })
    {
      const PrefixTable<Entry> table = MakeTable(entries);
      EXPECT_EQ("slash", Found(table, "/x"));
      EXPECT_EQ("slash", Found(table, "/x/y"));
    }
  }

  TEST(PrefixTable, EntriesAreListedLongestPrefixFirstKeepingTheOrderOfEqualLengths)
  {
    const PrefixTable<Entry> table = MakeTable({ { "/", "root" }, { "/b/", "b" }, { "/a/", "a" }, { "/ab/", "ab" } });
    std::vector<std::string> names;
    for (const Entry& entry : table.GetEntries())
    {
      names.push_back(entry.name);
    }
    EXPECT_EQ((std::vector<std::string>{ "ab", "b", "a", "root" }), names);
    EXPECT_EQ(&table.GetEntries()[1], table.Find("/b/c"));
  }
}
