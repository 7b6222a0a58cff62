// SPDX-License-Identifier: AGPL-3.0-or-later

#include "QueryString.h"

#include "../Common/HexDigit.h"

#include <algorithm>

namespace OrthancCors
{
  std::string DecodeQueryComponent(std::string_view text)
  {
    std::string decoded;
    decoded.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i)
    {
      if (text[i] == '+')
      {
        decoded += ' ';
      }
      else if (text[i] == '%' && i + 2 < text.size() &&
               HexDigitValue(text[i + 1]) >= 0 && HexDigitValue(text[i + 2]) >= 0)
      {
        decoded += static_cast<char>(HexDigitValue(text[i + 1]) * 16 + HexDigitValue(text[i + 2]));
        i += 2;
      }
      else
      {
        decoded += text[i];
      }
    }
    return decoded;
  }


  std::optional<std::string> FindQueryArgument(std::string_view query, std::string_view name)
  {
    size_t start = 0;
    while (start <= query.size())
    {
      const size_t end = std::min(query.find('&', start), query.size());
      const std::string_view argument = query.substr(start, end - start);
      const size_t equal = argument.find('=');
      const std::string_view key = argument.substr(0, equal);
      if (!argument.empty() && DecodeQueryComponent(key) == name)
      {
        return equal == std::string_view::npos ? std::string() : DecodeQueryComponent(argument.substr(equal + 1));
      }
      start = end + 1;
    }
    return std::nullopt;
  }
}
