// SPDX-License-Identifier: AGPL-3.0-or-later

#include "TargetPath.h"

namespace OrthancCors
{
  std::string EncodeDecodedPath(std::string_view decodedPath)
  {
    static constexpr char HEX[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(decodedPath.size());
    for (const char c : decodedPath)
    {
      const auto byte = static_cast<unsigned char>(c);
      if (byte <= 0x20 || byte >= 0x7f || c == '%' || c == '?' || c == '#')
      {
        encoded.push_back('%');
        encoded.push_back(HEX[byte >> 4]);
        encoded.push_back(HEX[byte & 0x0f]);
      }
      else
      {
        encoded.push_back(c);
      }
    }
    return encoded;
  }
}
