// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Policy/QueryString.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

TEST(QueryString, FindsTheFirstArgumentDecoded)
{
  EXPECT_EQ("DELETE", FindQueryArgument("a=1&_method=DELETE&_method=PUT", "_method").value());
  EXPECT_EQ("a b/c", FindQueryArgument("x=a+b%2Fc", "x").value());
  EXPECT_EQ("", FindQueryArgument("flag&y=2", "flag").value());
  EXPECT_FALSE(FindQueryArgument("a=1&b=2", "c").has_value());
  EXPECT_FALSE(FindQueryArgument("", "c").has_value());
}

TEST(QueryString, DecodesKeysToo)
{
  EXPECT_EQ("delete", FindQueryArgument("%5Fmethod=delete", "_method").value());
}

TEST(QueryString, LeavesIncompleteEscapesAlone)
{
  EXPECT_EQ("100%", DecodeQueryComponent("100%"));
  EXPECT_EQ("%zz", DecodeQueryComponent("%zz"));
  EXPECT_EQ("%4", DecodeQueryComponent("%4"));
}
