// SPDX-License-Identifier: AGPL-3.0-or-later

#include "HttpHeaders.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace OrthancCors
{
  namespace
  {
    char LowerAscii(char c)
    {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }

    bool SameBytesIgnoringCase(std::string_view a, std::string_view b)
    {
      for (std::size_t i = 0; i < a.size(); i++)
      {
        if (a[i] != b[i] && LowerAscii(a[i]) != LowerAscii(b[i]))
        {
          return false;
        }
      }
      return true;
    }

    // HTTP whitespace inside a field value (RFC 9110 OWS).
    bool IsOptionalWhitespace(char c)
    {
      return c == ' ' || c == '\t';
    }

    bool ContainsIgnoringCase(const std::vector<std::string>& list, std::string_view item)
    {
      return std::any_of(list.begin(), list.end(),
                         [&](const std::string& element) { return EqualsIgnoringCase(element, item); });
    }
  }


  std::string_view TrimOptionalWhitespace(std::string_view text)
  {
    while (!text.empty() && IsOptionalWhitespace(text.front()))
    {
      text.remove_prefix(1);
    }
    while (!text.empty() && IsOptionalWhitespace(text.back()))
    {
      text.remove_suffix(1);
    }
    return text;
  }


  bool EqualsIgnoringCaseSameSize(std::string_view a, std::string_view b)
  {
    // Eight bytes at a time, the case folded only where they differ: most
    // comparisons are of a request's field name with the spelling browsers use.
    std::size_t offset = 0;
    for (; offset + sizeof(std::uint64_t) <= a.size(); offset += sizeof(std::uint64_t))
    {
      std::uint64_t x;
      std::uint64_t y;
      std::memcpy(&x, a.data() + offset, sizeof(x));
      std::memcpy(&y, b.data() + offset, sizeof(y));
      if (x != y && !SameBytesIgnoringCase(a.substr(offset, sizeof(x)), b.substr(offset, sizeof(y))))
      {
        return false;
      }
    }
    return SameBytesIgnoringCase(a.substr(offset), b.substr(offset));
  }


  std::string ToLowerAscii(std::string_view text)
  {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), LowerAscii);
    return lower;
  }


  std::string ToUpperAscii(std::string_view text)
  {
    std::string upper(text);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; });
    return upper;
  }


  std::vector<std::string> GetAll(const HttpHeaders& headers, std::string_view name)
  {
    std::vector<std::string> values;
    for (const HttpHeader& header : headers)
    {
      if (EqualsIgnoringCase(header.name, name))
      {
        values.push_back(header.value);
      }
    }
    return values;
  }


  HttpFieldViews ViewFields(const HttpHeaders& headers)
  {
    HttpFieldViews fields;
    fields.reserve(headers.size());
    for (const HttpHeader& header : headers)
    {
      fields.push_back(HttpFieldView{header.name, header.value});
    }
    return fields;
  }


  FieldLookup LookUpField(const HttpFieldViews& fields, std::string_view name)
  {
    FieldLookup lookup;
    for (const HttpFieldView& field : fields)
    {
      if (EqualsIgnoringCase(field.name, name))
      {
        if (lookup.count == 0)
        {
          lookup.first = field.value;
        }
        lookup.count++;
      }
    }
    return lookup;
  }


  void RemoveAll(HttpHeaders& headers, std::string_view name)
  {
    headers.erase(std::remove_if(headers.begin(), headers.end(),
                                 [&](const HttpHeader& header) { return EqualsIgnoringCase(header.name, name); }),
                  headers.end());
  }


  void SetSingle(HttpHeaders& headers, std::string_view name, std::string_view value)
  {
    // Keep the position of the first occurrence, so that replacing a field does
    // not reorder a response needlessly.
    auto first = std::find_if(headers.begin(), headers.end(),
                              [&](const HttpHeader& header) { return EqualsIgnoringCase(header.name, name); });
    if (first == headers.end())
    {
      headers.push_back(HttpHeader{std::string(name), std::string(value)});
      return;
    }

    first->value = std::string(value);
    headers.erase(std::remove_if(first + 1, headers.end(),
                                 [&](const HttpHeader& header) { return EqualsIgnoringCase(header.name, name); }),
                  headers.end());
  }


  std::vector<std::string> SplitHeaderList(std::string_view value)
  {
    std::vector<std::string> elements;
    std::string current;
    size_t position = 0;

    while (position < value.size())
    {
      const char c = value[position];
      if (c == '"')
      {
        // A quoted string is copied verbatim, quotes and escapes included: a comma
        // inside it does not separate elements.
        current += c;
        position++;
        while (position < value.size() && value[position] != '"')
        {
          if (value[position] == '\\' && position + 1 < value.size())
          {
            current += value[position];
            position++;
          }
          current += value[position];
          position++;
        }
        if (position < value.size())
        {
          current += value[position];   // closing quote
          position++;
        }
      }
      else if (c == ',')
      {
        std::string_view element = TrimOptionalWhitespace(current);
        if (!element.empty())
        {
          elements.emplace_back(element);
        }
        current.clear();
        position++;
      }
      else
      {
        current += c;
        position++;
      }
    }

    std::string_view last = TrimOptionalWhitespace(current);
    if (!last.empty())
    {
      elements.emplace_back(last);
    }
    return elements;
  }


  void AddToVary(HttpHeaders& headers, const std::vector<std::string>& tokens)
  {
    std::vector<std::string> merged;
    for (const std::string& value : GetAll(headers, "Vary"))
    {
      for (const std::string& token : SplitHeaderList(value))
      {
        if (token == "*")
        {
          // "Vary: *" already says that the response varies on everything.
          return;
        }
        if (!ContainsIgnoringCase(merged, token))
        {
          merged.push_back(token);
        }
      }
    }

    for (const std::string& token : tokens)
    {
      if (!token.empty() && !ContainsIgnoringCase(merged, token))
      {
        merged.push_back(token);
      }
    }

    if (merged.empty())
    {
      return;
    }
    SetSingle(headers, "Vary", JoinHeaderList(merged));
  }


  std::string JoinHeaderList(const std::vector<std::string>& elements)
  {
    std::string joined;
    for (const std::string& element : elements)
    {
      if (!joined.empty())
      {
        joined += ", ";
      }
      joined += element;
    }
    return joined;
  }


  namespace
  {
    // tchar (RFC 9110, 5.6.2), looked up: every head the gateway writes is checked name by name.
    constexpr std::array<bool, 256> MakeTokenBytes()
    {
      std::array<bool, 256> token{};
      const std::string_view symbols = "!#$%&'*+-.^_`|~";
      for (int byte = 0; byte < 256; byte++)
      {
        token[byte] = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
          symbols.find(static_cast<char>(byte)) != std::string_view::npos;
      }
      return token;
    }

    constexpr std::array<bool, 256> TOKEN_BYTES = MakeTokenBytes();
  }


  bool IsToken(std::string_view text)
  {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c)
    {
      return TOKEN_BYTES[static_cast<unsigned char>(c)];
    });
  }
}
