// SPDX-License-Identifier: AGPL-3.0-or-later

#include "KeySuggestion.h"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace OrthancCors
{
  namespace
  {
    // Lower case, without the separators that snake-case or kebab-case spellings add.
    std::string Simplify(std::string_view key)
    {
      std::string simplified;
      for (char c : key)
      {
        if (c != '_' && c != '-')
        {
          simplified.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
      }
      return simplified;
    }

    // Optimal string alignment distance: Levenshtein plus the transposition of two
    // adjacent letters ("Prot" for "Port"), the commonest typing mistake.
    size_t EditDistance(const std::string& a, const std::string& b)
    {
      std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
      for (size_t i = 0; i <= a.size(); i++)
      {
        d[i][0] = i;
      }
      std::iota(d[0].begin(), d[0].end(), 0);

      for (size_t i = 1; i <= a.size(); i++)
      {
        for (size_t j = 1; j <= b.size(); j++)
        {
          const size_t cost = (a[i - 1] == b[j - 1] ? 0 : 1);
          d[i][j] = std::min({ d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost });
          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          {
            d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
          }
        }
      }

      return d[a.size()][b.size()];
    }

    // "SinglePageApp" for "SinglePageApplication": an abbreviation, or a known key
    // with something appended. Too short a stem would match anything.
    bool IsStemOf(const std::string& a, const std::string& b)
    {
      const std::string& shorter = (a.size() < b.size() ? a : b);
      const std::string& longer = (a.size() < b.size() ? b : a);
      return shorter.size() >= 4 && longer.compare(0, shorter.size(), shorter) == 0;
    }

    // Short keys tolerate fewer mistakes: "Port" must not suggest "Path".
    size_t TolerableDistance(const std::string& knownKey)
    {
      if (knownKey.size() <= 4)
      {
        return 1;
      }
      else if (knownKey.size() <= 8)
      {
        return 2;
      }
      else
      {
        return 3;
      }
    }
  }

  std::optional<std::string> SuggestClosestKey(std::string_view unknownKey,
                                               const std::vector<std::string>& knownKeys)
  {
    const std::string simplifiedUnknown = Simplify(unknownKey);

    // Close spellings first (by distance), then stems (by length difference).
    const size_t STEM_SCORE = 1000;

    std::optional<std::string> best;
    size_t bestScore = 0;

    for (const std::string& known : knownKeys)
    {
      const std::string simplifiedKnown = Simplify(known);
      const size_t distance = EditDistance(simplifiedUnknown, simplifiedKnown);

      std::optional<size_t> score;
      if (distance <= TolerableDistance(simplifiedKnown))
      {
        score = distance;
      }
      else if (IsStemOf(simplifiedUnknown, simplifiedKnown))
      {
        score = STEM_SCORE + distance;
      }

      if (score && (!best || *score < bestScore))
      {
        best = known;
        bestScore = *score;
      }
    }

    return best;
  }
}
