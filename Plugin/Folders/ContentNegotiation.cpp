// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ContentNegotiation.h"

#include <algorithm>
#include <map>
#include <optional>

namespace OrthancCors
{
  namespace
  {
    // RFC 9110 qvalue: "0", "0.5", "1", "1.000" (at most three decimals).
    std::optional<double> ParseQualityValue(std::string_view text)
    {
      if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1'))
      {
        return std::nullopt;
      }
      double value = text[0] - '0';
      if (text.size() == 1)
      {
        return value;
      }
      if (text[1] != '.')
      {
        return std::nullopt;
      }
      double scale = 0.1;
      for (size_t i = 2; i < text.size(); i++)
      {
        if (text[i] < '0' || text[i] > '9')
        {
          return std::nullopt;
        }
        value += (text[i] - '0') * scale;
        scale /= 10;
      }
      return value > 1.0 ? std::nullopt : std::optional<double>(value);
    }

    // One "coding;q=..." element. A weight that cannot be parsed makes the element
    // count as refused: never send a compressed body on a guess.
    void ParseCoding(std::string_view element, std::string& coding, double& weight)
    {
      const size_t semicolon = element.find(';');
      coding = ToLowerAscii(TrimOptionalWhitespace(element.substr(0, semicolon)));
      weight = 1.0;
      if (semicolon == std::string_view::npos)
      {
        return;
      }

      std::string_view parameters = element.substr(semicolon + 1);
      while (!parameters.empty())
      {
        const size_t next = parameters.find(';');
        const std::string_view parameter = TrimOptionalWhitespace(parameters.substr(0, next));
        const size_t equal = parameter.find('=');
        if (equal != std::string_view::npos &&
            EqualsIgnoringCase(TrimOptionalWhitespace(parameter.substr(0, equal)), "q"))
        {
          weight = ParseQualityValue(TrimOptionalWhitespace(parameter.substr(equal + 1))).value_or(0.0);
        }
        parameters = (next == std::string_view::npos) ? std::string_view() : parameters.substr(next + 1);
      }
    }

    std::string_view WithoutWeakPrefix(std::string_view tag)
    {
      return (tag.size() >= 2 && tag.substr(0, 2) == "W/") ? tag.substr(2) : tag;
    }

    bool ContainsIgnoringCase(std::string_view text, std::string_view needle)
    {
      return ToLowerAscii(text).find(ToLowerAscii(needle)) != std::string::npos;
    }
  }


  std::vector<std::string> GetAcceptedPrecompressedEncodings(const HttpHeaders& requestHeaders)
  {
    std::map<std::string, double> weights;
    std::optional<double> wildcard;
    for (const std::string& value : GetAll(requestHeaders, "Accept-Encoding"))
    {
      for (const std::string& element : SplitHeaderList(value))
      {
        std::string coding;
        double weight;
        ParseCoding(element, coding, weight);
        if (coding == "x-gzip")
        {
          coding = "gzip";
        }
        if (coding == "*")
        {
          wildcard = weight;
        }
        else
        {
          weights[coding] = weight;
        }
      }
    }

    struct Candidate
    {
      std::string coding;
      double weight;
    };
    std::vector<Candidate> candidates;
    for (const char* coding : { "br", "gzip" })   // in the order of preference on a tie
    {
      auto found = weights.find(coding);
      const double weight = (found != weights.end()) ? found->second : wildcard.value_or(0.0);
      if (weight > 0)
      {
        candidates.push_back(Candidate{coding, weight});
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.weight > b.weight; });

    std::vector<std::string> encodings;
    for (const Candidate& candidate : candidates)
    {
      encodings.push_back(candidate.coding);
    }
    return encodings;
  }


  bool MatchesIfNoneMatch(const HttpHeaders& requestHeaders, std::string_view entityTag)
  {
    const std::string_view opaqueTag = WithoutWeakPrefix(entityTag);
    for (const std::string& value : GetAll(requestHeaders, "If-None-Match"))
    {
      for (const std::string& element : SplitHeaderList(value))
      {
        if (element == "*" || WithoutWeakPrefix(element) == opaqueTag)
        {
          return true;
        }
      }
    }
    return false;
  }


  bool IsNavigationRequest(const HttpHeaders& requestHeaders)
  {
    const std::vector<std::string> fetchModes = GetAll(requestHeaders, "Sec-Fetch-Mode");
    if (!fetchModes.empty())
    {
      return std::any_of(fetchModes.begin(), fetchModes.end(),
                         [](const std::string& mode) { return EqualsIgnoringCase(TrimOptionalWhitespace(mode), "navigate"); });
    }

    const std::vector<std::string> accepts = GetAll(requestHeaders, "Accept");
    return std::any_of(accepts.begin(), accepts.end(),
                       [](const std::string& accept) { return ContainsIgnoringCase(accept, "text/html"); });
  }
}
