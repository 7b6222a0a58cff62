#include "CachePolicy.h"

#include <algorithm>

namespace OrthancCors
{
  namespace
  {
    const size_t MIN_HEXADECIMAL_HASH = 8;
    const size_t MIN_BASE64_HASH = 16;

    bool IsDigit(char c)
    {
      return c >= '0' && c <= '9';
    }

    bool IsLower(char c)
    {
      return c >= 'a' && c <= 'z';
    }

    bool IsUpper(char c)
    {
      return c >= 'A' && c <= 'Z';
    }

    bool IsHexadecimalLetter(char c)
    {
      return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    bool IsBase64UrlCharacter(char c)
    {
      return IsDigit(c) || IsLower(c) || IsUpper(c) || c == '-' || c == '_';
    }

    std::string_view LastPathSegment(std::string_view path)
    {
      const size_t slash = path.find_last_of('/');
      return slash == std::string_view::npos ? path : path.substr(slash + 1);
    }

    // Whether `predicate` holds for one of the parts of `text` between `separators`.
    template <typename Predicate>
    bool AnyPart(std::string_view text, std::string_view separators, Predicate predicate)
    {
      size_t start = 0;
      while (start <= text.size())
      {
        size_t end = text.find_first_of(separators, start);
        if (end == std::string_view::npos)
        {
          end = text.size();
        }
        if (predicate(text.substr(start, end - start)))
        {
          return true;
        }
        start = end + 1;
      }
      return false;
    }

    bool IsHexadecimalHash(std::string_view part)
    {
      return part.size() >= MIN_HEXADECIMAL_HASH &&
        std::all_of(part.begin(), part.end(), [](char c) { return IsDigit(c) || IsHexadecimalLetter(c); }) &&
        std::any_of(part.begin(), part.end(), IsDigit) &&
        std::any_of(part.begin(), part.end(), IsHexadecimalLetter);
    }

    // Lower-case, upper-case or digit: the classes a random string keeps switching between.
    int CharacterClass(char c)
    {
      return IsLower(c) ? 0 : IsUpper(c) ? 1 : 2;
    }

    // Random base64url characters change class about two times in three; words and
    // numbers ("CT-Coronary-Arteries-2", "cornerstoneWADOImageLoader2") rarely do.
    bool IsBase64UrlHash(std::string_view part)
    {
      if (part.size() < MIN_BASE64_HASH ||
          !std::all_of(part.begin(), part.end(), IsBase64UrlCharacter) ||
          !std::any_of(part.begin(), part.end(), IsDigit) ||
          !std::any_of(part.begin(), part.end(), IsLower) ||
          !std::any_of(part.begin(), part.end(), IsUpper))
      {
        return false;
      }

      // '-' and '_' separate words in ordinary names: only alphanumerics are compared.
      size_t alphanumerics = 0;
      size_t changes = 0;
      int previousClass = -1;
      for (char c : part)
      {
        if (c == '-' || c == '_')
        {
          continue;
        }
        const int currentClass = CharacterClass(c);
        if (previousClass != -1 && currentClass != previousClass)
        {
          changes++;
        }
        previousClass = currentClass;
        alphanumerics++;
      }
      return changes * 3 >= alphanumerics;
    }
  }


  bool HasContentHashInName(std::string_view fileName)
  {
    const std::string_view name = LastPathSegment(fileName);
    return AnyPart(name, ".-_", IsHexadecimalHash) ||
      AnyPart(name, ".", IsBase64UrlHash);
  }


  std::string GetCacheControl(std::string_view fileName, bool allowCache)
  {
    if (!allowCache)
    {
      return "no-store";
    }
    if (HasContentHashInName(fileName))
    {
      return "public, max-age=31536000, immutable";
    }
    return "no-cache";
  }
}
