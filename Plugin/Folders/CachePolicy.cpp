// SPDX-License-Identifier: AGPL-3.0-or-later

#include "CachePolicy.h"

#include "MimeTypes.h"

#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    // The pieces of the default pattern. Each lookahead stays within its hash part,
    // which is followed by '.' (an extension), a character none of them accepts.

    // A date is no hash ("report-2024010a.pdf").
    const char* const NOT_A_YEAR = "(?!(?:19|20)[0-9]{2})";

    const char* const LONG_HEXADECIMAL_HASH = "(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{16,64}";

    // Two digits and two letters, so that a number with a letter ("0001234b") is no hash.
    const char* const SHORT_HEXADECIMAL_HASH = "(?=[a-f]*[0-9][a-f]*[0-9])(?=[0-9]*[a-f][0-9]*[a-f])[0-9a-f]{8}";

    // No four lower-case letters in a row, so that words ("CT-Cardiac2.png", "MR-T2-Brain.png") are no hash.
    const char* const BASE64URL_HASH =
      "(?=[A-Za-z0-9_-]{0,7}[A-Z])(?=[A-Za-z0-9_-]{0,7}[a-z])(?=[A-Za-z0-9_-]{0,7}[0-9])"
      "(?![A-Za-z0-9_-]{0,4}[a-z]{4})[A-Za-z0-9_-]{8}";

    const char* const EXTENSIONS = "(?:\\.[A-Za-z0-9]+)+";

    // Built on first use: the pieces are plain literals, so that no order of static
    // initialization between files matters.
    std::string MakeDefaultPattern()
    {
      return std::string("(?:") + NOT_A_YEAR + LONG_HEXADECIMAL_HASH +
        "|.+[.-]" + NOT_A_YEAR + "(?:" + LONG_HEXADECIMAL_HASH + "|" + SHORT_HEXADECIMAL_HASH + ")" +
        "|.+-" + NOT_A_YEAR + BASE64URL_HASH + ")" + EXTENSIONS;
    }

    std::string_view LastPathSegment(std::string_view path)
    {
      const size_t slash = path.find_last_of('/');
      return slash == std::string_view::npos ? path : path.substr(slash + 1);
    }

    bool IsPage(std::string_view fileName)
    {
      const std::string extension = GetLowerCaseExtension(fileName);
      return extension == ".html" || extension == ".htm";
    }
  }


  ImmutableNamePattern::ImmutableNamePattern(std::string text, std::shared_ptr<const boost::regex> regex) :
    text_(std::move(text)),
    regex_(std::move(regex))
  {
  }


  const ImmutableNamePattern& ImmutableNamePattern::GetDefault()
  {
    static const ImmutableNamePattern defaultPattern = Parse(MakeDefaultPattern());
    return defaultPattern;
  }


  ImmutableNamePattern ImmutableNamePattern::Parse(const std::string& expression)
  {
    try
    {
      return ImmutableNamePattern(expression, std::make_shared<const boost::regex>(expression, boost::regex::perl));
    }
    catch (const boost::regex_error& e)
    {
      throw std::invalid_argument(std::string("invalid regular expression: ") + e.what());
    }
  }


  bool ImmutableNamePattern::Matches(std::string_view fileName) const
  {
    const std::string_view name = LastPathSegment(fileName);
    if (IsPage(name))
    {
      return false;
    }
    try
    {
      return boost::regex_match(name.begin(), name.end(), *regex_);
    }
    catch (const std::runtime_error&)
    {
      // Boost.Regex gives up on catastrophic backtracking by throwing: revalidating is the safe side.
      return false;
    }
  }


  std::string GetCacheControl(std::string_view fileName, const ImmutableNamePattern& immutableNames, bool allowCache)
  {
    if (!allowCache)
    {
      return "no-store";
    }
    if (immutableNames.Matches(fileName))
    {
      return "public, max-age=31536000, immutable";
    }
    return "no-cache";
  }
}
