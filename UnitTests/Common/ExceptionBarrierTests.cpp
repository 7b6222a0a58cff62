// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Common/ExceptionBarrier.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace OrthancCors
{
  TEST(ExceptionBarrier, ResultOfTheBodyWhenItDoesNotThrow)
  {
    EXPECT_EQ(7, CallWithoutThrowing(-1, [] { return 7; }, [](const char*) { return 0; }));
  }


  TEST(ExceptionBarrier, StandardExceptionIsDescribedToTheFailureHandler)
  {
    std::string described;
    const int result = CallWithoutThrowing(-1, []() -> int { throw std::runtime_error("the file vanished"); },
                                           [&](const char* what) { described = what; return 500; });
    EXPECT_EQ(500, result);
    EXPECT_EQ("the file vanished", described);
  }


  TEST(ExceptionBarrier, ExceptionOfAnyTypeIsStopped)
  {
    std::string described;
    const int result = CallWithoutThrowing(-1, []() -> int { throw 42; },
                                           [&](const char* what) { described = what; return 500; });
    EXPECT_EQ(500, result);
    EXPECT_EQ("an exception of unknown type", described);
  }


  TEST(ExceptionBarrier, FailingFailureHandlerGivesTheLastResort)
  {
    const int result = CallWithoutThrowing(-1, []() -> int { throw std::bad_alloc(); },
                                           [](const char*) -> int { throw std::bad_alloc(); });
    EXPECT_EQ(-1, result);
  }


  TEST(ExceptionBarrier, IsNoexcept)
  {
    EXPECT_TRUE(noexcept(CallWithoutThrowing(0, [] { return 1; }, [](const char*) { return 2; })));
  }
}
