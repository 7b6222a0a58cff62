// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <exception>

namespace OrthancCors
{
  // Runs `body` and returns its result; an exception it throws is described to
  // `onFailure` (a const char*), whose result is returned instead. Nothing
  // escapes: an exception from `onFailure` itself (it logs, it answers) gives
  // `lastResort`. For every function a C caller (Orthanc) calls, where an
  // exception would end the process or leave a request unanswered.
  template <typename Result, typename Body, typename OnFailure>
  Result CallWithoutThrowing(Result lastResort, Body&& body, OnFailure&& onFailure) noexcept
  {
    try
    {
      return body();
    }
    catch (const std::exception& e)
    {
      try
      {
        return onFailure(e.what());
      }
      catch (...)
      {
        return lastResort;
      }
    }
    catch (...)
    {
      try
      {
        return onFailure("an exception of unknown type");
      }
      catch (...)
      {
        return lastResort;
      }
    }
  }
}
