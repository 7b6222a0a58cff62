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

    size_t EditDistance(const std::string& a, const std::string& b)
    {
      // Levenshtein distance, one row at a time.
      std::vector<size_t> previous(b.size() + 1);
      std::iota(previous.begin(), previous.end(), 0);
      std::vector<size_t> current(b.size() + 1);

      for (size_t i = 1; i <= a.size(); i++)
      {
        current[0] = i;
        for (size_t j = 1; j <= b.size(); j++)
        {
          const size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
          current[j] = std::min({ previous[j] + 1, current[j - 1] + 1, substitution });
        }
        std::swap(previous, current);
      }

      return previous[b.size()];
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

    std::optional<std::string> best;
    size_t bestDistance = 0;

    for (const std::string& known : knownKeys)
    {
      const std::string simplifiedKnown = Simplify(known);
      const size_t distance = EditDistance(simplifiedUnknown, simplifiedKnown);

      if (distance <= TolerableDistance(simplifiedKnown) &&
          (!best || distance < bestDistance))
      {
        best = known;
        bestDistance = distance;
      }
    }

    return best;
  }
}
