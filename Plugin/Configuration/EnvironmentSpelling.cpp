// SPDX-License-Identifier: AGPL-3.0-or-later

#include "EnvironmentSpelling.h"

namespace OrthancCors
{
  namespace
  {
    bool IsCapital(char c)
    {
      return c >= 'A' && c <= 'Z';
    }
  }

  std::string GetEnvironmentSpelling(std::string_view key)
  {
    std::string spelling(key);
    for (size_t i = 1; i < key.size(); i++)
    {
      if (IsCapital(key[i]) && IsCapital(key[i - 1]))
      {
        spelling[i] = static_cast<char>(key[i] - 'A' + 'a');
      }
    }
    return spelling;
  }
}
